import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatedTarget } from '../../bench/chaos/support/gated-target.ts';
import { startPrivatePostgres, type PrivatePostgres } from '../../bench/chaos/support/private-services.ts';
import { parseReadinessConfig } from '../../src/config/readiness-config.ts';
import { jobIds } from '../../src/queue/names.ts';
import { migrationsDir } from '../../src/shared/paths.ts';
import { applyMigrations, ensureDatabase } from '../../src/store/migrations.ts';
import { startTestStack, until, type TestStack } from '../support/test-stack.ts';

// Guarantee: our own database failing is never a verdict. A private Postgres is stopped while an assessment's check
// is in flight: past the retry window the assessment ends "could not assess" with the cause (and no regression
// incident, though the service was GO); back within the window, the assessment completes with its true verdict.

const SERVICE = 'gated';
const configFor = (url: string) =>
  parseReadinessConfig(
    {
      services: {
        [SERVICE]: {
          environments: { production: {} },
          checks: [{ id: 'health', name: 'Health', type: 'http', severity: 'critical', url: `${url}/ok`, timeoutMs: 60_000 }],
        },
      },
    },
    'postgres outage test',
  );

let postgres: PrivatePostgres;
let target: GatedTarget;
let databaseUrl: string;

beforeAll(async () => {
  postgres = await startPrivatePostgres();
  databaseUrl = postgres.url('readiness_outage');
  await ensureDatabase(databaseUrl);
  await applyMigrations(databaseUrl, migrationsDir);
  target = await GatedTarget.start();
}, 120_000);

afterAll(async () => {
  await target?.close();
  await postgres?.destroy();
});

async function withStack(windowMs: number, body: (stack: TestStack) => Promise<void>): Promise<void> {
  const stack = await startTestStack({
    databaseUrl,
    configFor: () => configFor(target.url),
    infrastructureRetryWindowMs: windowMs,
    checkRegressionIncidents: true,
  });
  try {
    await body(stack);
  } finally {
    await stack.closeAll();
  }
}

/** Starts an assessment and returns its id once its check is in flight at the (held) target. */
async function assessmentInFlight(stack: TestStack): Promise<{ id: string; triggerId: string }> {
  target.hold();
  const ack = await stack.run(`run ${SERVICE} production`);
  await until(async () => target.held > 0, 30_000);
  const row = await until(() => stack.runtime.db.assessment.findUnique({ where: { requestKey: ack.triggerId } }));
  return { id: row.id, triggerId: ack.triggerId };
}

const statusOf = async (stack: TestStack, id: string) => (await stack.runtime.db.assessment.findUniqueOrThrow({ where: { id } })).status;

describe('Postgres stopped during an assessment', () => {
  it('past the retry window: "could not assess" with the cause, never NO-GO, and no regression incident', async () => {
    await withStack(1500, async (stack) => {
      // A GO first, so a NO-GO caused by the outage would open a regression incident.
      target.release();
      const baseline = await stack.run(`run ${SERVICE} production`);
      await until(async () => {
        const row = await stack.runtime.db.assessment.findUnique({ where: { requestKey: baseline.triggerId } });
        return row?.status === 'COMPLETED' && row.verdict === 'GO';
      }, 60_000);

      const { id } = await assessmentInFlight(stack);
      await postgres.stop();
      target.release();
      // The check job gives up once the window has passed (BullMQ state lives in Redis, which is up).
      const job = await stack.runtime.queues.queues.checks.getJob(jobIds.checkBatch(id, 0));
      await until(async () => (await job?.getState()) === 'failed', 60_000);
      await postgres.start();

      await until(async () => (await statusOf(stack, id)) === 'UNASSESSABLE', 60_000);
      const row = await stack.runtime.db.assessment.findUniqueOrThrow({ where: { id } });
      expect(row.verdict).toBeNull();
      expect(row.failureReason).toMatch(/^the database did not answer for 2 s/);
      const audit = await stack.runtime.db.auditEvent.findFirst({ where: { subjectId: id, action: 'assessment.unassessable' } });
      expect(audit?.reason).toBe(row.failureReason);
      expect(await stack.runtime.db.incident.count()).toBe(0);
      const shown = await stack.standIn.waitFor(() => {
        const message = stack.standIn.message(stack.channelId, row.messageTs ?? '');
        return message?.text?.includes('could not assess') ? message : undefined;
      }, 60_000);
      expect(JSON.stringify(shown.blocks)).toContain('/readiness run gated production');
    });
  }, 180_000);

  it('back within the retry window: the assessment completes with its true verdict', async () => {
    await withStack(60_000, async (stack) => {
      const { id } = await assessmentInFlight(stack);
      await postgres.stop();
      target.release();
      // At least one attempt failed on the database before it comes back.
      const job = await stack.runtime.queues.queues.checks.getJob(jobIds.checkBatch(id, 0));
      await until(async () => ((await stack.runtime.queues.queues.checks.getJob(job?.id ?? ''))?.attemptsMade ?? 0) >= 1, 60_000);
      await postgres.start();

      await until(async () => (await statusOf(stack, id)) === 'COMPLETED', 60_000);
      const row = await stack.runtime.db.assessment.findUniqueOrThrow({ where: { id }, include: { checks: true } });
      expect(row.verdict).toBe('GO');
      expect(row.checks.map((check) => check.status)).toEqual(['PASS']);
    });
  }, 180_000);
});
