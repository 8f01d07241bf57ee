// `npm run chaos -- redis-restart`: Redis killed (SIGKILL) and started again mid-flow, once with AOF and once with no
// persistence at all, while a worker process (`src/main/worker.ts`) serves open incidents with a response target,
// PENDING sign-off requests and PLANNED deployments (each a delayed timer) and assessments whose checks are still
// running. It reports timers lost (never fired), doubled (a post made twice), items stuck, and the time from Redis
// back to every timer being in Redis again (or already fired), and to the queue settings being back. Then, per mode,
// a check phase (support/redis-check-outage.ts): Redis killed with check jobs in flight, down CHAOS_REDIS_DOWN_MS
// while the checks answer, started again; every assessment must get its true verdict, nothing probed or recorded twice.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { parseReadinessConfig } from '../../src/config/readiness-config.ts';
import { SHIPPED_TEMPLATES } from '../../src/deployments/default-templates.ts';
import { buildPlan } from '../../src/deployments/plan.ts';
import { openIncident } from '../../src/incidents/open-incident.ts';
import { timerJobsFor } from '../../src/queue/timer-jobs.ts';
import type { Timer } from '../../src/recovery/rebuild-timers.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { migrationsDir } from '../../src/shared/paths.ts';
import { createDeploymentRepository } from '../../src/store/deployments/index.ts';
import { applyMigrations, ensureDatabase } from '../../src/store/migrations.ts';
import { startLocalStack, type LocalStack } from '../../tools/demo/local-stack.ts';
import { entryProcesses } from '../../test/support/processes.ts';
import { startPrivateRedis, waitFor } from './support/private-services.ts';
import { writeScenarioResult, type Findings, type RecoveryFigure } from './support/result.ts';
import { runCheckOutage } from './support/redis-check-outage.ts';
import { wholeNumberFromEnv } from './support/env.ts';

const INCIDENTS = wholeNumberFromEnv('CHAOS_INCIDENTS', 10);
const SIGNOFFS = wholeNumberFromEnv('CHAOS_SIGNOFFS', 10);
const PLANS = wholeNumberFromEnv('CHAOS_PLANS', 10);
const ASSESSMENTS = wholeNumberFromEnv('CHAOS_ASSESSMENTS', 5);
/** The check phase: assessments (half GO, half NO-GO) whose checks answer while Redis is down this long. */
const CHECK_ASSESSMENTS = wholeNumberFromEnv('CHAOS_CHECK_ASSESSMENTS', 10);
const REDIS_DOWN_MS = wholeNumberFromEnv('CHAOS_REDIS_DOWN_MS', 10_000);
/**
 * Redis back → every verdict of the check phase. AOF: the jobs come back active with lapsed locks, recovered by the
 * stall check (10 s lock + 3 s). No persistence: the recovery sweep requeues each flow once it has been still for its
 * 30 s grace, at its next run (every minute).
 */
const CHECK_BOUND_MS = { aof: 30_000, none: 120_000 } as const;
/** Every timer is due this long after it is armed; Redis is killed `KILL_AFTER_MS` in, well before. */
const DUE_IN_MS = 20_000;
const KILL_AFTER_MS = 5_000;
/** From Redis back to every timer in Redis again. */
const REBUILT_BOUND_MS = 15_000;
/** After its due time, how long a timer may take to fire. */
const FIRE_BOUND_MS = 30_000;
/** A running assessment's job lost with Redis is requeued after the recovery grace (30 s) and finishes. */
const ASSESSMENT_BOUND_MS = 120_000;
/** The check endpoint answers after this long: the assessments are mid-check when Redis goes. */
const SLOW_CHECK_MS = 8_000;
const ONCALL = 'U0ONCALL';
const LEAD = 'U0LEAD';
const USER = 'U0CHAOS';

const processes = entryProcesses();

async function slowServer(): Promise<{ url: string; server: Server }> {
  const server = createServer((_request, response) => {
    setTimeout(() => response.writeHead(200, { 'content-type': 'text/plain' }).end('ok'), SLOW_CHECK_MS);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return { url: `http://127.0.0.1:${address.port}`, server };
}

function configDocument(checkUrl: string) {
  return {
    roles: { 'on-call': { users: [ONCALL] }, 'tech-lead': { users: [LEAD] } },
    incidents: {
      severities: {
        // One escalation in the window: level 2 waits ten minutes, past the scenario's end.
        sev1: { respondWithin: `${DUE_IN_MS / 1000}s`, levels: [{ roles: ['on-call'] }, { roles: ['tech-lead'], timeout: '10m' }], repeat: 0 },
      },
    },
    services: {
      checkout: {
        environments: { production: {} },
        checks: [{ id: 'slow', name: 'Slow health', type: 'http', severity: 'critical', url: `${checkUrl}/healthz`, timeoutMs: 20_000 }],
      },
    },
  };
}

interface ModeResult {
  found: Findings;
  rebuiltMs: number;
  settingsMs: number;
  assessmentsMs: number;
  figures: Record<string, number | string>;
}

async function runMode(persistence: 'aof' | 'none', checkUrl: string): Promise<ModeResult> {
  const document = configDocument(checkUrl);
  const config = parseReadinessConfig(document, 'redis-restart scenario');
  const redis = await startPrivateRedis({ persistence });
  const databaseUrl = `postgresql://postgres@127.0.0.1:5432/readiness_chaos_redis_${persistence}_${randomUUID().slice(0, 8)}`;
  await ensureDatabase(databaseUrl);
  await applyMigrations(databaseUrl, migrationsDir);
  const stack: LocalStack = await startLocalStack({
    config,
    databaseUrl,
    redisUrl: redis.url,
    logger: silentLogger,
    withWorkers: false,
    slackRetries: 0,
    intakeDelayMs: 600_000,
    standIn: { users: { [USER]: { name: 'reporter' }, [ONCALL]: { name: 'oncall' }, [LEAD]: { name: 'lead' } } },
  });
  const configPath = join(await mkdtemp(join(tmpdir(), 'readiness-chaos-redis-')), 'readiness.yaml');
  await writeFile(configPath, JSON.stringify(document));
  const { settings, db } = stack.runtime;
  const worker = processes.start('worker.ts', {
    SLACK_BOT_TOKEN: settings.slackBotToken,
    SLACK_API_URL: settings.slackApiUrl,
    DATABASE_URL: databaseUrl,
    REDIS_URL: redis.url,
    QUEUE_PREFIX: settings.queuePrefix,
    READINESS_CONFIG: configPath,
    LOG_LEVEL: 'warn',
  });
  const queues = { ...stack.runtime.queues.queues, escalations: stack.runtime.incidentQueues.queues.escalations };
  try {
    await waitFor(async () => (await queues.escalations.getWorkersCount().catch(() => 0)) > 0, 60_000, 'worker process up');

    // The flow: incidents, sign-off requests, plans, each with a timer due in DUE_IN_MS; assessments mid-check.
    const timers: Timer[] = [];
    for (let i = 0; i < INCIDENTS; i += 1) {
      const { incident } = await openIncident(stack.runtime.incidents, {
        requestKey: `chaos-${randomUUID()}`,
        severity: 'SEV1',
        title: `Chaos incident ${i}`,
        service: 'checkout',
        openedBy: USER,
        originChannel: stack.channelId,
      });
      if (incident.escalationDueAt)
        timers.push({ kind: 'escalation', subjectId: incident.id, dueAt: incident.escalationDueAt, step: { plan: 0, level: 0, round: 0 } });
    }
    const template = SHIPPED_TEMPLATES.standard;
    if (!template) throw new Error('no standard template');
    const built = buildPlan('standard', template, { deployUrl: 'http://127.0.0.1:9', service: 'checkout', environment: 'production', version: 'v1' });
    if (!built.ok) throw new Error(built.problems.join('; '));
    for (let i = 0; i < SIGNOFFS + PLANS; i += 1) {
      const assessmentId = randomUUID();
      await db.assessment.create({
        data: {
          id: assessmentId,
          service: 'checkout',
          environment: 'production',
          status: 'COMPLETED',
          verdict: 'GO',
          score: 100,
          requestKey: `seed-${assessmentId}`,
          requestedBy: USER,
          channelId: stack.channelId,
          completedAt: new Date(),
        },
      });
      const dueAt = new Date(Date.now() + DUE_IN_MS);
      if (i < SIGNOFFS) {
        const request = await db.signoffRequest.create({
          data: {
            assessmentId,
            service: 'checkout',
            environment: 'production',
            requestedBy: USER,
            channelId: stack.channelId,
            threadTs: `17000000${i}.000100`,
            requirements: [],
            verdict: 'GO',
            expiresAt: dueAt,
          },
        });
        await stack.runtime.queues.signoffScheduler.scheduleSignoffExpiry(request.id, dueAt);
        timers.push({ kind: 'signoff_expiry', subjectId: request.id, dueAt });
      } else {
        const { deployment } = await createDeploymentRepository(db).create({
          requestKey: randomUUID(),
          service: 'checkout',
          environment: 'production',
          template: 'standard',
          version: null,
          requestedBy: USER,
          channelId: stack.channelId,
          threadTs: null,
          assessmentId,
          plan: built.plan,
          planExpiresAt: dueAt,
        });
        await stack.runtime.queues.deploymentScheduler.schedulePlanExpiry(deployment.id, dueAt);
        timers.push({ kind: 'plan_expiry', subjectId: deployment.id, dueAt });
      }
    }
    const triggers: string[] = [];
    for (let i = 0; i < ASSESSMENTS; i += 1) {
      const result = await stack.standIn.sendSlashCommand(stack.eventsUrl, {
        text: 'run checkout production',
        userId: USER,
        channelId: stack.channelId,
      });
      triggers.push(result.triggerId);
    }
    const armedAt = Date.now();
    await waitFor(
      async () => (await db.assessment.count({ where: { requestKey: { in: triggers }, status: 'RUNNING' } })) >= ASSESSMENTS,
      30_000,
      'assessments mid-check',
    ).catch(() => undefined);

    // Mid-flow: SIGKILL Redis and start it again on the same port.
    await waitFor(() => Date.now() - armedAt >= KILL_AFTER_MS, KILL_AFTER_MS + 1000, 'kill time');
    await redis.kill();
    await redis.start();
    const backAt = Date.now();

    const jobs = timerJobsFor(queues);
    const fired = async (timer: Timer): Promise<boolean> => {
      switch (timer.kind) {
        case 'escalation':
          return (await db.auditEvent.count({ where: { subjectId: timer.subjectId, action: 'incident.escalated' } })) > 0;
        case 'signoff_expiry':
          return (await db.signoffRequest.findUnique({ where: { id: timer.subjectId } }))?.status === 'EXPIRED';
        case 'plan_expiry':
          return (await db.deployment.findUnique({ where: { id: timer.subjectId } }))?.status === 'CANCELLED';
        case 'rollback_deadline':
          return true;
      }
    };
    const allBack = async () => {
      for (const timer of timers) if (!(await fired(timer)) && !(await jobs.present(timer).catch(() => false))) return false;
      return true;
    };
    const settingsBack = async () => Number(await queues.render.getGlobalConcurrency().catch(() => null)) === 1;
    // Both measured from the moment Redis answers again.
    const [rebuiltMs, settingsMs] = await Promise.all([
      waitFor(allBack, REBUILT_BOUND_MS * 4, 'every timer back in Redis').catch(() => Number.POSITIVE_INFINITY),
      waitFor(settingsBack, REBUILT_BOUND_MS * 4, 'render queue concurrency back').catch(() => Number.POSITIVE_INFINITY),
    ]);

    const lastDue = Math.max(...timers.map((timer) => timer.dueAt.getTime()));
    await waitFor(
      async () => {
        for (const timer of timers) if (!(await fired(timer))) return false;
        return true;
      },
      Math.max(0, lastDue - Date.now()) + FIRE_BOUND_MS,
      'every timer fired',
    ).catch(() => undefined);
    let lost = 0;
    for (const timer of timers) if (!(await fired(timer))) lost += 1;
    let doubled = 0;
    for (const timer of timers.filter((t) => t.kind === 'escalation'))
      doubled += Math.max(0, (await db.auditEvent.count({ where: { subjectId: timer.subjectId, action: 'incident.escalated' } })) - 1);
    // A post made twice: the same text to the same channel and thread more often than there are subjects that post
    // it. Incident posts name their incident and sign-off notices go to their request's thread (one subject each);
    // every assessment's first message and every expired plan's message (no thread in this flow) read alike.
    const posts = stack.standIn.calls.filter((call) => call.method === 'chat.postMessage' && call.status === 200);
    const seen = new Map<string, number>();
    for (const call of posts) {
      const key = `${String(call.args.channel)}|${String(call.args.thread_ts ?? '')}|${String(call.args.text)}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    const subjectsPosting = (key: string) => (key.endsWith('assessing…') ? ASSESSMENTS : /Deployment of .*: cancelled$/.test(key) ? PLANS : 1);
    for (const [key, count] of seen) {
      const extra = Math.max(0, count - subjectsPosting(key));
      doubled += extra;
      if (extra > 0) process.stdout.write(`  posted ${count} times: ${key.slice(0, 160)}\n`);
    }

    const assessmentsStarted = Date.now();
    const assessmentsMs =
      (await waitFor(
        async () =>
          (await db.assessment.count({ where: { requestKey: { in: triggers }, status: { in: ['COMPLETED', 'FAILED'] } } })) >= triggers.length,
        ASSESSMENT_BOUND_MS,
        'assessments finished',
      ).catch(() => Number.POSITIVE_INFINITY)) +
      (assessmentsStarted - backAt);
    const stuckAssessments = await db.assessment.count({ where: { requestKey: { in: triggers }, status: { notIn: ['COMPLETED', 'FAILED'] } } });
    const rebuiltAudits = await db.auditEvent.count({ where: { action: 'recovery.timer_rebuilt' } });
    const crashes = worker.exitCode !== null || worker.signalCode !== null || /uncaught|unhandled/i.test(worker.output()) ? 1 : 0;
    return {
      found: { lost, doubled, stuck: stuckAssessments, wrongVerdicts: 0, crashes },
      rebuiltMs,
      settingsMs,
      assessmentsMs,
      figures: {
        [`${persistence}: timers`]: timers.length,
        [`${persistence}: timers rebuilt (audited)`]: rebuiltAudits,
        [`${persistence}: assessments`]: triggers.length,
        [`${persistence}: posts`]: posts.length,
      },
    };
  } finally {
    await processes.killAll();
    await stack.close().catch(() => undefined);
    await redis.destroy();
    const admin = new (await import('pg')).default.Client({ connectionString: 'postgresql://postgres@127.0.0.1:5432/postgres' });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${new URL(databaseUrl).pathname.slice(1)}" WITH (FORCE)`);
    await admin.end();
  }
}

const slow = await slowServer();
const found: Findings = { lost: 0, doubled: 0, stuck: 0, wrongVerdicts: 0, crashes: 0 };
const recovery: RecoveryFigure[] = [];
const figures: Record<string, number | string> = {};
try {
  for (const persistence of ['aof', 'none'] as const) {
    process.stdout.write(`redis-restart: ${persistence}\n`);
    const result = await runMode(persistence, slow.url);
    for (const key of Object.keys(found) as (keyof Findings)[]) found[key] += result.found[key];
    recovery.push({ what: `${persistence}: Redis back → every timer in Redis`, ms: result.rebuiltMs, boundMs: REBUILT_BOUND_MS });
    recovery.push({ what: `${persistence}: Redis back → render concurrency set`, ms: result.settingsMs, boundMs: REBUILT_BOUND_MS });
    recovery.push({ what: `${persistence}: Redis back → assessments finished`, ms: result.assessmentsMs, boundMs: ASSESSMENT_BOUND_MS });
    Object.assign(figures, result.figures);
    const checks = await runCheckOutage({ persistence, assessments: CHECK_ASSESSMENTS, downMs: REDIS_DOWN_MS, boundMs: CHECK_BOUND_MS[persistence] });
    for (const key of Object.keys(found) as (keyof Findings)[]) found[key] += checks.found[key];
    recovery.push({
      what: `${persistence}: Redis back after ${REDIS_DOWN_MS / 1000} s down mid-check → every true verdict`,
      ms: checks.verdictsMs,
      boundMs: CHECK_BOUND_MS[persistence],
    });
    Object.assign(figures, checks.figures);
    process.stdout.write(`  ${JSON.stringify(checks)}\n`);
  }
} finally {
  slow.server.close();
}
await writeScenarioResult({
  scenario: 'redis-restart',
  did: `Redis SIGKILLed and restarted ${KILL_AFTER_MS / 1000} s into a flow of ${INCIDENTS} SEV1 incidents (${DUE_IN_MS / 1000} s response target), ${SIGNOFFS} sign-off requests and ${PLANS} plans expiring at ${DUE_IN_MS / 1000} s, and ${ASSESSMENTS} assessments mid-check; once with AOF, once without persistence; then per mode ${CHECK_ASSESSMENTS} assessments whose checks answered while Redis was down ${REDIS_DOWN_MS / 1000} s`,
  found,
  recovery,
  figures,
});
process.exit(0);
