// The redis-restart scenario's check phase: Redis SIGKILLed while check jobs are in flight, the checks answering while
// it is down, and Redis started again `downMs` later (inside the retry window), with AOF or with no persistence. Every
// assessment must get its true verdict (GO for the healthy service, NO-GO for the broken one), each check probed once
// with one result, one verdict recorded, and its message showing it.
import { randomUUID } from 'node:crypto';
import { parseReadinessConfig } from '../../../src/config/readiness-config.ts';
import { silentLogger } from '../../../src/shared/logger.ts';
import { migrationsDir } from '../../../src/shared/paths.ts';
import { applyMigrations, ensureDatabase } from '../../../src/store/migrations.ts';
import { startLocalStack } from '../../../tools/demo/local-stack.ts';
import { GatedTarget } from './gated-target.ts';
import { startPrivateRedis, waitFor } from './private-services.ts';
import type { Findings } from './result.ts';

const TRUTH = { 'healthy-api': 'GO', 'broken-api': 'NO_GO' } as const;
type Service = keyof typeof TRUTH;
const FINAL = ['COMPLETED', 'FAILED', 'UNASSESSABLE'] as ('COMPLETED' | 'FAILED' | 'UNASSESSABLE')[];
const probePath = (service: Service) => `/${service === 'healthy-api' ? 'ok' : 'down'}?service=${service}`;

export interface CheckOutageResult {
  found: Findings;
  /** Redis back → every assessment final. */
  verdictsMs: number;
  figures: Record<string, number | string>;
}

export async function runCheckOutage(input: {
  persistence: 'aof' | 'none';
  assessments: number;
  downMs: number;
  boundMs: number;
}): Promise<CheckOutageResult> {
  const { persistence } = input;
  let crashes = 0;
  const crashed = () => (crashes += 1);
  process.on('uncaughtException', crashed);
  process.on('unhandledRejection', crashed);
  const redis = await startPrivateRedis({ persistence });
  const target = await GatedTarget.start();
  const databaseUrl = `postgresql://postgres@127.0.0.1:5432/readiness_chaos_redis_checks_${persistence}_${randomUUID().slice(0, 8)}`;
  await ensureDatabase(databaseUrl);
  await applyMigrations(databaseUrl, migrationsDir);
  const check = (service: Service) => ({
    id: 'health',
    name: 'Health',
    type: 'http',
    severity: 'critical',
    url: `${target.url}${probePath(service)}`,
    timeoutMs: 120_000,
  });
  const config = parseReadinessConfig(
    {
      services: Object.fromEntries(
        (Object.keys(TRUTH) as Service[]).map((service) => [service, { environments: { production: {} }, checks: [check(service)] }]),
      ),
    },
    'redis check outage',
  );
  const stack = await startLocalStack({ config, databaseUrl, redisUrl: redis.url, logger: silentLogger, slackRetries: 0, recoverySweep: true });
  const { db } = stack.runtime;
  try {
    target.hold();
    const runs: { service: Service; triggerId: string }[] = [];
    for (let i = 0; i < input.assessments; i += 1) {
      const service: Service = i % 2 === 0 ? 'healthy-api' : 'broken-api';
      const ack = await stack.standIn.sendSlashCommand(stack.eventsUrl, {
        text: `run ${service} production`,
        userId: 'U0CHAOS',
        channelId: stack.channelId,
      });
      runs.push({ service, triggerId: ack.triggerId });
    }
    await waitFor(() => target.held >= input.assessments, 120_000, 'every check in flight');

    await redis.kill();
    target.release();
    // The checks answered while Redis is down: outcomes in Postgres, their jobs unable to complete.
    await waitFor(
      async () => (await db.checkResult.count({ where: { status: { not: 'PENDING' } } })) >= input.assessments,
      60_000,
      'outcomes recorded',
    ).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, input.downMs));
    await redis.start();

    const requestKeys = runs.map((run) => run.triggerId);
    const verdictsMs = await waitFor(
      async () => (await db.assessment.count({ where: { requestKey: { in: requestKeys }, status: { in: FINAL } } })) === runs.length,
      input.boundMs * 2,
      'every assessment final',
    ).catch(() => Number.POSITIVE_INFINITY);
    const found: Findings = { lost: 0, doubled: 0, stuck: 0, wrongVerdicts: 0, crashes: 0 };
    const outcome = { GO: 0, NO_GO: 0, other: 0 };
    for (const { service, triggerId } of runs) {
      const row = await db.assessment.findUnique({ where: { requestKey: triggerId } });
      if (!row || !(FINAL as string[]).includes(row.status)) {
        found.stuck += 1;
        continue;
      }
      if (row.status === 'COMPLETED' && row.verdict === TRUTH[service]) outcome[row.verdict] += 1;
      else {
        outcome.other += 1;
        found.wrongVerdicts += 1;
      }
      found.doubled += Math.max(0, (await db.checkResult.count({ where: { assessmentId: row.id } })) - 1);
      found.doubled += Math.max(0, (await db.auditEvent.count({ where: { subjectId: row.id, action: 'assessment.completed' } })) - 1);
      const shown = await stack.standIn
        .waitFor(() => {
          const text = stack.standIn.message(stack.channelId, row.messageTs ?? '')?.text ?? '';
          return text.length > 0 && !text.endsWith('assessing…') ? text : undefined;
        }, 30_000)
        .catch(() => undefined);
      if (!shown) found.lost += 1;
    }
    let probes = 0;
    for (const service of Object.keys(TRUTH) as Service[]) {
      const expected = runs.filter((run) => run.service === service).length;
      probes += target.requests(probePath(service));
      found.doubled += Math.max(0, target.requests(probePath(service)) - expected);
    }
    found.crashes = crashes;
    return {
      found,
      verdictsMs,
      figures: {
        [`${persistence}: check outage`]: `${runs.length} assessments, Redis down ${input.downMs / 1000} s with their checks answering: GO ${outcome.GO}, NO-GO ${outcome.NO_GO}, other ${outcome.other}; ${probes} probes`,
      },
    };
  } finally {
    process.off('uncaughtException', crashed);
    process.off('unhandledRejection', crashed);
    await stack.close().catch(() => undefined);
    await target.close();
    await redis.destroy();
    const admin = new (await import('pg')).default.Client({ connectionString: 'postgresql://postgres@127.0.0.1:5432/postgres' });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${new URL(databaseUrl).pathname.slice(1)}" WITH (FORCE)`);
    await admin.end();
  }
}
