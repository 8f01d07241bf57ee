import type { Prisma } from '../generated/prisma/client.ts';
import type { DeploymentStatus } from '../deployments/deployment.types.ts';
import type { DigestAssessment, DigestCheckFailures, DigestData, DigestDeployment, DigestIncident, DigestPeriod } from '../digests/digest.types.ts';
import type { IncidentSeverity, IncidentStatus } from '../incidents/incident.types.ts';
import type { Verdict } from '../readiness/score.ts';
import { auditInsert } from './audit.repository.ts';
import type { Db } from './prisma.ts';

/** A digest post to be made, as its job asks for it. */
export interface DigestRunClaim {
  key: string;
  digest: string;
  slotAt: Date;
  periodFrom: Date;
  channelId: string;
  requestedBy: string;
}

export type DigestPostOutcome = { posted: true; messageTs: string } | { posted: false; reason: 'already_posted'; messageTs: string | null };

// The run's row lock is held across one Slack call (10 s client timeout); allow for it.
const LOCKING_TX = { timeout: 30_000, maxWait: 15_000 };
const ACTIVE_DEPLOYMENTS: DeploymentStatus[] = ['RUNNING', 'PAUSED', 'ROLLING_BACK'];

const assessmentSelect = {
  id: true,
  service: true,
  environment: true,
  status: true,
  verdict: true,
  score: true,
  completedAt: true,
  updatedAt: true,
} as const;

function toAssessment(row: Prisma.AssessmentGetPayload<{ select: typeof assessmentSelect }>): DigestAssessment {
  return {
    id: row.id,
    service: row.service,
    environment: row.environment,
    status: row.status === 'FAILED' ? 'FAILED' : 'COMPLETED',
    verdict: (row.verdict as Verdict | null) ?? null,
    score: row.score,
    finishedAt: row.completedAt ?? row.updatedAt,
  };
}

const incidentSelect = {
  number: true,
  severity: true,
  status: true,
  title: true,
  service: true,
  environment: true,
  createdAt: true,
  timeToAcknowledgeSeconds: true,
  timeToResolveSeconds: true,
} as const;

const toIncident = (row: Prisma.IncidentGetPayload<{ select: typeof incidentSelect }>): DigestIncident => ({
  ...row,
  severity: row.severity as IncidentSeverity,
  status: row.status as IncidentStatus,
});

/** Digest runs (claimed before posting, so each slot is posted once) and the read-only queries a digest is built from. */
export function createDigestRepository(db: Db) {
  return {
    /**
     * Posts a digest run at most once: the run's row is created if new, then locked while `post` runs, so a
     * second delivery of the same job (another replica, a redelivery) waits and then finds it POSTED. A crash
     * between Slack's answer and the commit leaves it PENDING, and the retry posts it again.
     */
    async postOnce(claim: DigestRunClaim, post: () => Promise<{ messageTs: string; summary: Record<string, unknown> }>): Promise<DigestPostOutcome> {
      await db.digestRun.createMany({ data: [{ ...claim }], skipDuplicates: true });
      return db.$transaction(async (tx) => {
        const [locked] = await tx.$queryRaw<{ status: string; message_ts: string | null }[]>`
          SELECT status::text, message_ts FROM digest_runs WHERE key = ${claim.key} FOR UPDATE`;
        if (!locked) throw new Error(`digest run ${claim.key} vanished`);
        if (locked.status === 'POSTED') return { posted: false, reason: 'already_posted', messageTs: locked.message_ts };
        const { messageTs, summary } = await post();
        const postedAt = new Date();
        await tx.digestRun.updateMany({
          where: { key: claim.key, status: 'PENDING' },
          data: { status: 'POSTED', messageTs, postedAt, summary: summary as Prisma.InputJsonObject },
        });
        await tx.auditEvent.create({
          data: auditInsert({
            actor: claim.requestedBy,
            action: 'digest.posted',
            subjectType: 'digest',
            subjectId: claim.digest,
            before: { slot: claim.slotAt.toISOString(), status: 'PENDING' },
            after: { slot: claim.slotAt.toISOString(), status: 'POSTED' },
            data: {
              key: claim.key,
              channel: claim.channelId,
              periodFrom: claim.periodFrom.toISOString(),
              slotAt: claim.slotAt.toISOString(),
              messageTs,
            },
            dedupeKey: `digest.posted:${claim.key}`,
          }),
        });
        return { posted: true, messageTs };
      }, LOCKING_TX);
    },

    async findRun(key: string) {
      return db.digestRun.findUnique({ where: { key } });
    },

    /** Everything a digest of these services shows for one period; `now` is when "still open" is judged. */
    async loadDigestData(services: readonly string[], period: DigestPeriod, now: Date): Promise<DigestData> {
      const { from, to } = period;
      const inServices = { service: { in: [...services] } };
      const [assessments, before, checkFailures, deployments, incidentsOpened, incidentsOpen, pendingSignoffs] = await Promise.all([
        db.assessment.findMany({
          where: { ...inServices, status: { in: ['COMPLETED', 'FAILED'] }, completedAt: { gte: from, lt: to } },
          select: assessmentSelect,
          orderBy: { completedAt: 'asc' },
        }),
        db.$queryRaw<{ id: string }[]>`
          SELECT DISTINCT ON (service, environment) id::text
          FROM assessments
          WHERE service = ANY(${[...services]}::text[]) AND status = 'COMPLETED' AND completed_at < ${from}
          ORDER BY service, environment, completed_at DESC`.then((rows) =>
          rows.length === 0 ? [] : db.assessment.findMany({ where: { id: { in: rows.map((row) => row.id) } }, select: assessmentSelect }),
        ),
        db.$queryRaw<{ service: string; environment: string; check_id: string; name: string; failures: number; runs: number }[]>`
          SELECT a.service, a.environment, c.check_id, max(c.name) AS name,
                 (count(*) FILTER (WHERE c.status IN ('FAIL', 'ERROR')))::int AS failures, count(*)::int AS runs
          FROM check_results c JOIN assessments a ON a.id = c.assessment_id
          WHERE a.service = ANY(${[...services]}::text[]) AND a.status = 'COMPLETED'
            AND a.completed_at >= ${from} AND a.completed_at < ${to} AND c.status <> 'SKIPPED'
          GROUP BY a.service, a.environment, c.check_id
          HAVING count(*) FILTER (WHERE c.status IN ('FAIL', 'ERROR')) > 0`,
        db.deployment.findMany({
          where: {
            ...inServices,
            OR: [{ createdAt: { gte: from, lt: to } }, { finishedAt: { gte: from, lt: to } }, { status: { in: ACTIVE_DEPLOYMENTS } }],
          },
          select: { id: true, service: true, environment: true, version: true, status: true, createdAt: true, finishedAt: true },
        }),
        db.incident.findMany({ where: { createdAt: { gte: from, lt: to } }, select: incidentSelect, orderBy: { createdAt: 'asc' } }),
        db.incident.findMany({
          where: { status: { not: 'RESOLVED' }, createdAt: { lt: to } },
          select: incidentSelect,
          orderBy: { createdAt: 'asc' },
        }),
        db.signoffRequest.findMany({
          where: { ...inServices, status: 'PENDING', expiresAt: { gt: now } },
          select: { assessmentId: true, service: true, environment: true, expiresAt: true },
        }),
      ]);
      return {
        assessments: assessments.map(toAssessment),
        before: before.map(toAssessment),
        checkFailures: checkFailures.map(
          (row): DigestCheckFailures => ({
            service: row.service,
            environment: row.environment,
            checkId: row.check_id,
            name: row.name,
            failures: row.failures,
            runs: row.runs,
          }),
        ),
        deployments: deployments.map((row): DigestDeployment => ({ ...row, status: row.status as DeploymentStatus })),
        incidentsOpened: incidentsOpened.map(toIncident),
        incidentsOpen: incidentsOpen.map(toIncident),
        pendingSignoffs,
      };
    },
  };
}
export type DigestRepository = ReturnType<typeof createDigestRepository>;
