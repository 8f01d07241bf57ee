import type { LatestAssessment } from '../../status/status.types.ts';
import type { Db } from '../prisma.ts';

/** The newest assessment of a service and environment, with how many of its checks have finished. */
export async function latestAssessment(db: Db, service: string, environment: string): Promise<LatestAssessment | undefined> {
  const row = await db.assessment.findFirst({
    where: { service, environment },
    orderBy: { createdAt: 'desc' },
    select: {
      id: true,
      status: true,
      verdict: true,
      score: true,
      requestedBy: true,
      failureReason: true,
      createdAt: true,
      completedAt: true,
      checks: { select: { status: true } },
    },
  });
  if (!row) return undefined;
  const { checks, ...rest } = row;
  return {
    ...rest,
    verdict: row.verdict as LatestAssessment['verdict'],
    checksDone: checks.filter((check) => check.status !== 'PENDING').length,
    checksTotal: checks.length,
  };
}
