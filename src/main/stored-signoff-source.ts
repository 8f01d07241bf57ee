import type { StoredSignoffSource } from '../approvals/stored-signoff-gate.ts';
import { createDeploymentRepository } from '../store/deployments/index.ts';
import { createDb } from '../store/prisma.ts';
import { createSignoffRepository } from '../store/signoffs/signoffs.repository.ts';
import { silentLogger } from '../shared/logger.ts';

/**
 * The database side of `readiness assess --require-signoff`: read-only, the same repositories the deploy gate
 * uses. Loaded on demand, so the plain CLI gate never loads Prisma.
 */
export function openStoredSignoffSource(databaseUrl: string): StoredSignoffSource & { close(): Promise<void> } {
  const db = createDb(databaseUrl, silentLogger);
  const deployments = createDeploymentRepository(db);
  const signoffs = createSignoffRepository(db);
  return {
    latestCompletedAssessment: (service, environment) => deployments.latestCompletedAssessment(service, environment),
    findByAssessment: (assessmentId) => signoffs.findByAssessment(assessmentId),
    close: () => db.$disconnect(),
  };
}
