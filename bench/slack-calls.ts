import { createServer, type Server } from 'node:http';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseReadinessConfig } from '../src/config/readiness-config.ts';
import { projectRoot } from '../src/shared/paths.ts';
import { renderAssessmentMessage } from '../src/slack/views/assessment-message.ts';
import { startLocalStack, type LocalStack } from '../tools/demo/local-stack.ts';
import { benchSettings, countingLogger, failBench, pollUntil, prepareServices } from './support/harness.ts';
import { round } from './support/stats.ts';

/**
 * `npm run bench:slack-calls`: how many Slack Web API calls one assessment's message costs against how long the
 * assessment lasts. For each duration T (`--durations 2,5,10` seconds), `--per-duration` assessments run at once;
 * each has CHECKS checks finishing one after another over T (a local target answers each after its delay), so the
 * message has a change to show every T/CHECKS seconds. The stand-in enforces Slack's per-method rate limits
 * (chat.update Tier 3, 50 a minute; chat.postMessage about one a second) and, with `--storm`, answers a seeded
 * share of calls 429. Counted per assessment: chat.postMessage + chat.update (+ the 429s among them); target
 * ≤ T + 2 calls, every 429 waited out (no render job failed, no error logged) and every message ending on exactly
 * what the database says.
 */

const NAME = 'slack-calls';
const CHECKS = 10;
const SERVICE = 'bench-render';

const { values } = parseArgs({
  options: {
    durations: { type: 'string', default: '2,5,10' },
    'per-duration': { type: 'string', default: '3' },
    storm: { type: 'string', default: '0' },
    'update-limit': { type: 'string', default: '50' },
    'post-limit': { type: 'string', default: '60' },
  },
});
const durations = values.durations.split(',').map(Number);
const perDuration = Number(values['per-duration']);
const storm = Number(values.storm);
const limits = { 'chat.update': Number(values['update-limit']), 'chat.postMessage': Number(values['post-limit']) };
if (durations.some((t) => !(t > 0)) || !(perDuration >= 1) || !(storm >= 0 && storm < 1))
  failBench(NAME, 'bad --durations, --per-duration or --storm');

const { databaseUrl, redisUrl, resultsPath } = benchSettings(NAME);
const print = (text = '') => process.stdout.write(`${text}\n`);

/** A target whose `/delay/<ms>` answers 200 after that many milliseconds. */
async function startDelayTarget(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const ms = Number(/^\/delay\/(\d+)$/.exec(req.url ?? '')?.[1] ?? Number.NaN);
    if (!Number.isFinite(ms)) return void res.writeHead(404).end();
    setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'), ms);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('no address');
  return { url: `http://127.0.0.1:${address.port}`, server };
}

/** One environment per duration: check i answers after (i + 1) · T / CHECKS seconds. */
function benchConfig(targetUrl: string) {
  const environments = Object.fromEntries(
    durations.map((t) => [
      `t${t}`,
      {
        vars: Object.fromEntries([
          ['baseUrl', targetUrl],
          ...Array.from({ length: CHECKS }, (_, i) => [`d${i}`, String(Math.round(((i + 1) * t * 1000) / CHECKS))]),
        ]),
      },
    ]),
  );
  const checks = Array.from({ length: CHECKS }, (_, i) => ({
    id: `step-${i}`,
    name: `Step ${i}`,
    type: 'http',
    severity: 'low',
    url: `{{baseUrl}}/delay/{{d${i}}}`,
    timeoutMs: 60_000,
  }));
  return parseReadinessConfig({ services: { [SERVICE]: { environments, checks } } }, 'bench config');
}

interface PerAssessment {
  durationTarget: number;
  seconds: number;
  calls: number;
  rateLimited: number;
  finalShown: boolean;
}

async function measure(stack: LocalStack): Promise<PerAssessment[]> {
  const { standIn, runtime, eventsUrl, channelId } = stack;
  const sent: { t: number; triggerId: string }[] = [];
  for (const t of durations) {
    const answers = await Promise.all(
      Array.from({ length: perDuration }, () =>
        standIn.sendSlashCommand(eventsUrl, { text: `run ${SERVICE} t${t}`, channelId, userId: 'U0BENCHCALLS' }),
      ),
    );
    sent.push(...answers.map((answer) => ({ t, triggerId: answer.triggerId })));
  }
  const keys = sent.map((s) => s.triggerId);
  const done = await pollUntil(
    () => runtime.db.assessment.findMany({ where: { requestKey: { in: keys } } }),
    (rows) => rows.length === keys.length && rows.every((row) => row.status === 'COMPLETED' && row.messageTs !== null),
    Date.now() + 300_000,
    250,
  );
  if (!done.reached) throw new Error('not every assessment completed within 300 s');
  // Then every message must come to show the final state (the render queue may be paused for a Retry-After).
  const expected = new Map<string, string>();
  for (const row of done.value) {
    const view = await runtime.assessments.find(row.id);
    if (view) expected.set(row.messageTs ?? '', renderAssessmentMessage(view).text);
  }
  const settled = await pollUntil(
    async () => [...expected].filter(([ts, text]) => standIn.message(channelId, ts)?.text === text).length,
    (n) => n === expected.size,
    Date.now() + 180_000,
    250,
  );
  if (!settled.reached) print(`  ${expected.size - settled.value} message(s) never showed their final state within 180 s`);
  return done.value.map((row) => {
    const ts = row.messageTs ?? '';
    const calls = standIn.calls.filter(
      (call) =>
        (call.method === 'chat.update' && call.args.ts === ts) ||
        (call.method === 'chat.postMessage' && JSON.stringify(call.args.metadata ?? '').includes(`assessment:${row.id}`)),
    );
    const last = calls.at(-1)?.at ?? row.completedAt?.getTime() ?? Date.now();
    return {
      durationTarget: sent.find((s) => s.triggerId === row.requestKey)?.t ?? 0,
      // From the command to the verdict: how long the assessment lasted.
      seconds: ((row.completedAt?.getTime() ?? last) - row.createdAt.getTime()) / 1000,
      calls: calls.length,
      rateLimited: calls.filter((call) => call.status === 429).length,
      finalShown: standIn.message(channelId, ts)?.text === expected.get(ts),
    };
  });
}

await prepareServices(NAME, { databaseUrl, redisUrl });
const { logger, logLines } = countingLogger('error');
const target = await startDelayTarget();
let stack: LocalStack | undefined;
let passed = false;
try {
  stack = await startLocalStack({
    config: benchConfig(target.url),
    databaseUrl,
    redisUrl,
    logger,
    workerConcurrency: 200,
    standIn: { rateLimits: limits, ...(storm > 0 ? { faults: { rateLimitedShare: storm, seed: 7, exempt: ['auth.test'] } } : {}) },
  });
  print(`bench ${NAME}: ${perDuration} assessments at once for each T in ${durations.join(', ')} s (${CHECKS} checks each, finishing over T)`);
  print(`  stand-in rate limits per minute: ${JSON.stringify(limits)}; storm: ${storm > 0 ? `${storm * 100}% of calls answered 429` : 'off'}`);
  const results = await measure(stack);
  const renderFailed = (await stack.runtime.queues.queues.render.getJobCounts('failed')).failed ?? 0;
  const rows = durations.map((t) => {
    const of = results.filter((r) => r.durationTarget === t);
    return {
      t,
      seconds: of.map((r) => round(r.seconds, 1)),
      calls: of.map((r) => r.calls),
      // Judged against T + 2: every call, 429 answers included, as the rate limits answer them. Under a storm the
      // stand-in refuses a seeded share of calls at random, each of which must be retried after its Retry-After:
      // those retries are the storm's, not more updates of ours, so the calls Slack accepted are judged instead.
      countedCalls: of.map((r) => (storm > 0 ? r.calls - r.rateLimited : r.calls)),
      limit: of.map((r) => Math.floor(r.seconds + 2)),
      rateLimited: of.reduce((n, r) => n + r.rateLimited, 0),
      withinLimit: of.every((r) => (storm > 0 ? r.calls - r.rateLimited : r.calls) <= r.seconds + 2),
      finalShown: of.every((r) => r.finalShown),
    };
  });
  print();
  print(`  T (s)   lasted (s)            calls per assessment${storm > 0 ? ' (accepted)' : '           '}   ≤ T+2   429s   final state shown`);
  for (const r of rows) {
    print(
      `  ${String(r.t).padEnd(7)} ${r.seconds.join(', ').padEnd(21)} ${(storm > 0 ? r.calls.map((c, i) => `${c} (${r.countedCalls[i]})`) : r.calls).join(', ').padEnd(33)} ${String(r.withinLimit).padEnd(7)} ${String(r.rateLimited).padEnd(6)} ${r.finalShown}`,
    );
  }
  const total429 = stack.standIn.calls.filter((call) => call.status === 429).length;
  const checks = {
    callsWithinTPlus2: rows.every((r) => r.withinLimit),
    finalStateShownEverywhere: rows.every((r) => r.finalShown),
    noRenderJobFailed: renderFailed === 0,
    noErrorLogged: logLines.errors === 0,
  };
  passed = Object.values(checks).every(Boolean);
  const [load1, load5] = (await readFile('/proc/loadavg', 'utf8')).split(' ').map(Number);
  print();
  print(`  429s answered by the stand-in: ${total429} (all calls); render jobs failed: ${renderFailed}; error log lines: ${logLines.errors}`);
  print(`  load average ${load1} (1 min) ${load5} (5 min)`);
  await mkdir(join(projectRoot, 'bench', 'results'), { recursive: true });
  await writeFile(
    resultsPath,
    `${JSON.stringify({ name: NAME, date: new Date().toISOString(), checksPerAssessment: CHECKS, perDuration, limits, storm, loadAverage: { oneMinute: load1, fiveMinutes: load5 }, rows, rateLimitedCalls: total429, renderFailed, errorLogLines: logLines.errors, passed, checks }, null, 2)}\n`,
  );
  print(`results written to ${resultsPath}`);
  print(
    passed
      ? 'PASS'
      : `FAIL: ${Object.entries(checks)
          .filter(([, ok]) => !ok)
          .map(([k]) => k)
          .join(', ')}`,
  );
} catch (error) {
  process.stderr.write(`bench ${NAME} crashed: ${(error as Error).stack ?? String(error)}\n`);
} finally {
  await stack?.close();
  await new Promise((resolve) => target.server.close(resolve));
}
process.exit(passed ? 0 : 1);
