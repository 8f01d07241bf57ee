import type { RollbackRunDeps } from './rollback.ts';

/** What a deployment message re-render found: done, no such deployment, or no message posted yet to update. */
export type RefreshOutcome = 'updated' | 'not_found' | 'no_message_yet';

/**
 * Deployments as the edges (slash commands, buttons, the deployments worker, the recovery sweep) are given them:
 * the use cases' dependencies, and the re-render of a deployment's message. `src/main` builds it.
 */
export interface DeploymentServices {
  domain: RollbackRunDeps;
  /** Re-renders the deployment's message from the database (the render job's processor). */
  refreshDeployment(deploymentId: string): Promise<RefreshOutcome>;
}
