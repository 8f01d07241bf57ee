// Guarantee 1, "our own infrastructure failing is never a verdict": a batch of assessments is caught mid-check by
// a Postgres outage of 10 s, 60 s and 120 s (the retry window is 60 s). Shorter than the window, every assessment
// must reach its true verdict once Postgres is back; longer, every one must end "could not assess" (UNASSESSABLE);
// at the window itself either is right. A GO or NO-GO that differs from the truth, or any incident opened from the
// outage, is a wrong verdict; an assessment not final within the bound after Postgres returns is stuck; a message
// that does not show the final state is lost. `npm run chaos -- postgres-outage`
import { parseReadinessConfig } from '../../src/config/readiness-config.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { migrationsDir } from '../../src/shared/paths.ts';
import { applyMigrations, ensureDatabase } from '../../src/store/migrations.ts';
import { startLocalStack, type LocalStack } from '../../tools/demo/local-stack.ts';
import { GatedTarget } from './support/gated-target.ts';
import { startPrivatePostgres } from './support/private-services.ts';
import { type Findings, type RecoveryFigure, writeScenarioResult } from './support/result.ts';
import { waitFor } from './support/private-services.ts';

const WINDOW_MS = Number(process.env.CHAOS_WINDOW_MS ?? 60_000);
const OUTAGES_MS = (process.env.CHAOS_OUTAGES_MS ?? '10000,60000,120000').split(',').map(Number);
/** Assessments per outage: half of a service that is GO, half of one that is NO-GO. */
const BATCH = Number(process.env.CHAOS_BATCH ?? 10);
/** From Postgres back to every assessment final and shown: one backoff step (5 s) plus the work, with room for load. */
const RECOVERY_BOUND_MS = 20_000;
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
const config = parseReadinessConfig(
  {
    services: {
      'healthy-api': { environments: { production: {} }, checks: [check('/ok')] },
      'broken-api': { environments: { production: {} }, checks: [check('/down')] },
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

for (const outageMs of OUTAGES_MS) {
  const label = `${outageMs / 1000} s`;
  target.hold();
  const runs = await Promise.all(
    Array.from({ length: BATCH }, async (_, i) => {
      const service: Service = i % 2 === 0 ? 'healthy-api' : 'broken-api';
      return { service, triggerId: await run(service) };
    }),
  );
  await waitFor(() => target.held >= BATCH, 60_000, `${BATCH} checks in flight`);
  await postgres.stop();
  target.release();
  await sleep(outageMs);
  await postgres.start();
  const back = Date.now();

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
  const incidents = await db.incident.count();
  figures[`outage ${label}`] =
    `GO ${outcome.GO}, NO-GO ${outcome.NO_GO}, could not assess ${outcome.UNASSESSABLE}, other ${outcome.other}; incidents so far ${incidents}`;
  recovery.push({ what: `all final after Postgres back (outage ${label})`, ms: lastFinal, boundMs: RECOVERY_BOUND_MS });
  process.stdout.write(`outage ${label}: ${figures[`outage ${label}`]}; all final ${lastFinal} ms after Postgres came back\n`);
}

// Any incident at all came from the outage: the healthy service never failed, the broken one was never GO.
found.wrongVerdicts += await db.incident.count();
found.crashes = crashes;
await writeScenarioResult({
  scenario: 'postgres-outage',
  did: `${OUTAGES_MS.length} Postgres outages (${OUTAGES_MS.map((ms) => `${ms / 1000} s`).join(', ')}) each during ${BATCH} assessments with checks in flight, retry window ${WINDOW_MS / 1000} s`,
  found,
  recovery,
  figures,
});
await stack.close();
await target.close();
await postgres.destroy();
process.exit(0);
