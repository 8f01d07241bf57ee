// Guarantee 1, "our own infrastructure failing is never a verdict", and its kin for deployments and escalations: a
// Postgres outage of 10 s, 60 s and 120 s (the retry window is 60 s) catches, at once,
// - a batch of assessments mid-check. Shorter than the window, every assessment must reach its true verdict once
//   Postgres is back; longer, every one must end "could not assess" (UNASSESSABLE); at the window either is right. A
//   GO or NO-GO that differs from the truth, or any incident opened from the outage, is a wrong verdict;
// - deployments of the standard template (four webhook tasks, against a receiver counting idempotency keys) with their
//   deploy task's webhook in flight. Shorter than the window each must end SUCCEEDED; longer, PAUSED by Readiness at a
//   phase boundary with the cause (then Resume must take it to SUCCEEDED); never FAILED or rolled back. Each task's
//   effect applied exactly once;
// - SEV1 incidents whose escalation to the tech lead comes due during the outage: each escalates and pages once, no
//   later than the outage plus ESCALATION_BOUND_MS after its due time.
// Anything not final within its bound after Postgres returns is stuck; a message not showing the final state is lost.
// `npm run chaos -- postgres-outage`
import { parseReadinessConfig } from '../../src/config/readiness-config.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { migrationsDir } from '../../src/shared/paths.ts';
import { applyMigrations, ensureDatabase } from '../../src/store/migrations.ts';
import { startLocalStack, type LocalStack } from '../../tools/demo/local-stack.ts';
import { DeployReceiver } from '../../tools/demo/deploy-receiver.ts';
import { clickStart, DEPLOYER, judgeDeployments, judgeEscalations, LEAD, ONCALL, openIncidents, startDeployments } from './support/outage-flows.ts';
import { GatedTarget } from './support/gated-target.ts';
import { startPrivatePostgres } from './support/private-services.ts';
import { type Findings, type RecoveryFigure, writeScenarioResult } from './support/result.ts';
import { waitFor } from './support/private-services.ts';
import { wholeNumberFromEnv } from './support/env.ts';

const WINDOW_MS = wholeNumberFromEnv('CHAOS_WINDOW_MS', 60_000);
const OUTAGES_MS = (process.env.CHAOS_OUTAGES_MS ?? '10000,60000,120000').split(',').map(Number);
/** Assessments per outage: half of a service that is GO, half of one that is NO-GO. */
const BATCH = wholeNumberFromEnv('CHAOS_BATCH', 10);
/** From Postgres back to every assessment final and shown: one backoff step (5 s) plus the work, with room for load. */
const RECOVERY_BOUND_MS = 20_000;
/** Deployments per outage, each a service of its own (one active deployment per service and environment). */
const DEPLOYMENTS = wholeNumberFromEnv('CHAOS_DEPLOYMENTS', 4);
/** SEV1 incidents per outage whose escalation comes due during it. */
const INCIDENTS = wholeNumberFromEnv('CHAOS_INCIDENTS', 5);
/** The deploy task's webhook answers this long after it arrives: Postgres is stopped while it is in flight. */
const DEPLOY_WEBHOOK_MS = 6_000;
/** The first response target: due during the outage (the shortest is 10 s), the incidents being opened just before it. */
const RESPOND_WITHIN_MS = 8_000;
/** From Postgres back to an escalation that came due during the outage: one infrastructure backoff step (5 s) plus the work. */
const ESCALATION_BOUND_MS = 15_000;
/** From Postgres back to every deployment SUCCEEDED or paused at a boundary: a backoff step plus the remaining phases. */
const DEPLOYMENT_BOUND_MS = 30_000;
const FINAL = new Set(['COMPLETED', 'FAILED', 'UNASSESSABLE']);
const TRUTH = { 'healthy-api': 'GO', 'broken-api': 'NO_GO' } as const;
type Service = keyof typeof TRUTH;

let crashes = 0;
process.on('uncaughtException', () => (crashes += 1));
process.on('unhandledRejection', () => (crashes += 1));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const postgres = await startPrivatePostgres();
const databaseUrl = postgres.url('readiness_chaos_outage');
await ensureDatabase(databaseUrl);
await applyMigrations(databaseUrl, migrationsDir);
const target = await GatedTarget.start();
const check = (path: string) => ({
  id: 'health',
  name: 'Health',
  type: 'http',
  severity: 'critical',
  url: `${target.url}${path}`,
  timeoutMs: 300_000,
});
const receiver = await DeployReceiver.start();
const deployServices = (round: number) => Array.from({ length: DEPLOYMENTS }, (_, i) => `shop-${round}-${i}`);
for (const [round] of OUTAGES_MS.entries())
  for (const service of deployServices(round)) receiver.behave(`/${service}/deploy`, { delayMs: DEPLOY_WEBHOOK_MS });
const config = parseReadinessConfig(
  {
    roles: { deployers: { users: [DEPLOYER] }, 'on-call': { users: [ONCALL] }, 'tech-lead': { users: [LEAD] } },
    incidents: {
      severities: {
        // One escalation in the scenario: the tech lead's level waits an hour.
        sev1: { respondWithin: `${RESPOND_WITHIN_MS / 1000}s`, levels: [{ roles: ['on-call'] }, { roles: ['tech-lead'], timeout: '1h' }], repeat: 0 },
      },
    },
    services: {
      'healthy-api': { environments: { production: {} }, checks: [check('/ok')] },
      'broken-api': { environments: { production: {} }, checks: [check('/down')] },
      ...Object.fromEntries(
        OUTAGES_MS.flatMap((_, round) =>
          deployServices(round).map((service) => [
            service,
            {
              environments: { production: { vars: { deployUrl: `${receiver.url}/${service}` }, deploy: { deployerRole: 'deployers' } } },
              checks: [check('/ok')],
            },
          ]),
        ),
      ),
    },
  },
  'postgres-outage scenario',
);
const stack: LocalStack = await startLocalStack({
  config,
  databaseUrl,
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  logger: silentLogger,
  slackRetries: 0,
  infrastructureRetryWindowMs: WINDOW_MS,
  checkRegressionIncidents: true,
  // As in production: the sweeps re-arm timers and requeue stranded work (this Postgres is the scenario's own).
  incidentSweep: true,
  recoverySweep: true,
  standIn: { users: { U0CHAOS: { name: 'chaos' }, [DEPLOYER]: { name: 'deployer' }, [ONCALL]: { name: 'oncall' }, [LEAD]: { name: 'lead' } } },
});
const db = stack.runtime.db;
const run = async (service: Service) =>
  (await stack.standIn.sendSlashCommand(stack.eventsUrl, { text: `run ${service} production`, userId: 'U0CHAOS', channelId: stack.channelId }))
    .triggerId;
const rowOf = (requestKey: string) => db.assessment.findUnique({ where: { requestKey } });

// A GO first: a NO-GO the outage caused on the healthy service would then open a regression incident.
const baseline = await run('healthy-api');
await waitFor(async () => (await rowOf(baseline))?.verdict === 'GO', 60_000, 'the baseline GO');

const found: Findings = { lost: 0, doubled: 0, stuck: 0, wrongVerdicts: 0, crashes: 0 };
const recovery: RecoveryFigure[] = [];
const figures: Record<string, number | string> = { windowMs: WINDOW_MS, batch: BATCH };

for (const [round, outageMs] of OUTAGES_MS.entries()) {
  const label = `${outageMs / 1000} s`;
  const services = deployServices(round);
  const deploymentIds = await startDeployments(stack, services);
  target.hold();
  const runs = await Promise.all(
    Array.from({ length: BATCH }, async (_, i) => {
      const service: Service = i % 2 === 0 ? 'healthy-api' : 'broken-api';
      return { service, triggerId: await run(service) };
    }),
  );
  await waitFor(() => target.held >= BATCH, 60_000, `${BATCH} checks in flight`);
  await clickStart(stack, deploymentIds);
  const deployCalls = () => receiver.calls.filter((call) => services.some((service) => call.path === `/${service}/deploy`)).length;
  await waitFor(() => deployCalls() >= services.length, 60_000, 'every deploy webhook in flight');
  const incidents = await openIncidents(stack, label, INCIDENTS);
  await postgres.stop();
  target.release();
  await sleep(outageMs);
  await postgres.start();
  const back = Date.now();
  // Judged side by side, so each recovery time is measured from the moment Postgres answered.
  const escalationsJudged = judgeEscalations(stack, incidents, { back, outageMs, boundMs: ESCALATION_BOUND_MS });
  const deploymentsJudged = judgeDeployments(stack, receiver, {
    deploymentIds,
    services,
    back,
    boundMs: DEPLOYMENT_BOUND_MS,
    pauseAllowed: outageMs >= WINDOW_MS,
    pauseRequired: outageMs > WINDOW_MS,
  });

  let lastFinal = 0;
  const rows = await Promise.all(
    runs.map(async ({ service, triggerId }) => {
      try {
        await waitFor(async () => FINAL.has((await rowOf(triggerId))?.status ?? ''), RECOVERY_BOUND_MS * 3, 'final');
        lastFinal = Math.max(lastFinal, Date.now() - back);
      } catch {
        // Counted as stuck below.
      }
      return { service, row: await rowOf(triggerId) };
    }),
  );
  const outcome = { GO: 0, NO_GO: 0, UNASSESSABLE: 0, other: 0 };
  for (const { service, row } of rows) {
    if (!row || !FINAL.has(row.status)) {
      found.stuck += 1;
      continue;
    }
    if (row.status === 'UNASSESSABLE') outcome.UNASSESSABLE += 1;
    else if (row.verdict === 'GO' || row.verdict === 'NO_GO') outcome[row.verdict] += 1;
    else outcome.other += 1;
    const expected = outageMs < WINDOW_MS ? 'verdict' : outageMs > WINDOW_MS ? 'unassessable' : 'either';
    const trueVerdict = row.status === 'COMPLETED' && row.verdict === TRUTH[service];
    const right =
      expected === 'verdict'
        ? trueVerdict
        : expected === 'unassessable'
          ? row.status === 'UNASSESSABLE'
          : trueVerdict || row.status === 'UNASSESSABLE';
    if (!right) found.wrongVerdicts += 1;
    // The message must end showing the final state: a verdict word, or "could not assess".
    const shown = await stack.standIn
      .waitFor(() => {
        const text = stack.standIn.message(stack.channelId, row.messageTs ?? '')?.text ?? '';
        return !text.endsWith('assessing…') && text.length > 0 ? text : undefined;
      }, RECOVERY_BOUND_MS)
      .catch(() => undefined);
    if (!shown) found.lost += 1;
  }
  figures[`outage ${label}`] = `GO ${outcome.GO}, NO-GO ${outcome.NO_GO}, could not assess ${outcome.UNASSESSABLE}, other ${outcome.other}`;
  recovery.push({ what: `assessments all final after Postgres back (outage ${label})`, ms: lastFinal, boundMs: RECOVERY_BOUND_MS });
  process.stdout.write(`outage ${label}: ${figures[`outage ${label}`]}; all final ${lastFinal} ms after Postgres came back\n`);

  const escalations = await escalationsJudged;
  found.lost += escalations.lost;
  found.doubled += escalations.doubled;
  found.stuck += escalations.tooLate;
  figures[`outage ${label}: escalations`] =
    `${escalations.escalated} of ${incidents.length} escalated and paged, doubled ${escalations.doubled}, later than outage + bound ${escalations.tooLate}; latest ${escalations.maxLateMs} ms past due`;
  recovery.push({
    what: `escalations recorded after Postgres back (outage ${label})`,
    ms: escalations.lastAfterBackMs,
    boundMs: ESCALATION_BOUND_MS,
  });
  process.stdout.write(`outage ${label}: ${figures[`outage ${label}: escalations`]}\n`);

  const deployments = await deploymentsJudged;
  found.lost += deployments.effectsLost;
  found.doubled += deployments.effectsDoubled;
  found.stuck += deployments.stuck;
  found.wrongVerdicts += deployments.wrongState;
  figures[`outage ${label}: deployments`] =
    `${deployments.succeeded} SUCCEEDED, ${deployments.pausedThenSucceeded} paused by Readiness then resumed to SUCCEEDED, wrong state ${deployments.wrongState}, stuck ${deployments.stuck}; states when settled: ${deployments.states}; ${deployments.webhookCalls} webhook calls, effects lost ${deployments.effectsLost}, doubled ${deployments.effectsDoubled}`;
  recovery.push({ what: `deployments settled after Postgres back (outage ${label})`, ms: deployments.settledMs, boundMs: DEPLOYMENT_BOUND_MS });
  process.stdout.write(`outage ${label}: ${figures[`outage ${label}: deployments`]}\n`);
}

// Any incident other than the scenario's own came from the outage: the healthy service never failed, the broken one
// was never GO, and no deployment may fail or roll back (each would open one).
found.wrongVerdicts += await db.incident.count({ where: { title: { not: { startsWith: 'pg outage ' } } } });
found.crashes = crashes;
await writeScenarioResult({
  scenario: 'postgres-outage',
  did: `${OUTAGES_MS.length} Postgres outages (${OUTAGES_MS.map((ms) => `${ms / 1000} s`).join(', ')}) each during ${BATCH} assessments with checks in flight, ${DEPLOYMENTS} deployments with a webhook in flight and ${INCIDENTS} SEV1 escalations coming due, retry window ${WINDOW_MS / 1000} s`,
  found,
  recovery,
  figures,
});
await stack.close();
await target.close();
await receiver.close();
await postgres.destroy();
process.exit(0);
