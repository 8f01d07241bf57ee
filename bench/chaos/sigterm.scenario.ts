// Guarantee 6, workers: SIGTERM stops a worker within its 10 s grace (plus the close), exit 0, nothing left locked,
// every job finished or handed to the other worker. Two worker processes and the bot run 30 assessments of 5 webhook
// checks answered after 0.5–14 s (some outlive the grace, so they are handed off); every 6–12 s one worker holding
// check jobs gets SIGTERM and is started again once it has exited.
//
// `npm run chaos -- sigterm`; ASSESSMENTS=<n> for another size.
import { loadavg } from 'node:os';
import { exited } from '../../test/support/processes.ts';
import { waitFor } from './support/private-services.ts';
import { writeScenarioResult } from './support/result.ts';
import { CHECKS, percentile, random, sleep, startCheckWorkerRig } from './support/check-worker-rig.ts';
import { wholeNumberFromEnv } from './support/env.ts';

const ASSESSMENTS = wholeNumberFromEnv('ASSESSMENTS', 30);
/** Assessments in flight at once: enough that a kill always finds checks running. */
const IN_FLIGHT = 10;
/** One new assessment this often (100 take over 3 minutes). */
const LAUNCH_EVERY_MS = 3000;
/** The grace (10 s) and the close after it. */
const STOP_BOUND_MS = 12_000;
/** How long after the last kill every assessment must have its verdict. */
const SETTLE_BOUND_MS = 120_000;

const rig = await startCheckWorkerRig({
  tag: 'st',
  scenario: 'sigterm scenario',
  checkAfterMs: () => (Math.random() < 0.2 ? random(10_000, 14_000) : random(500, 4000)),
  checkTimeoutMs: 20_000,
});
const { stack, endpoint, checksQueue, startWorker, started, nameOf } = rig;
const killedByUs = rig.stoppedByUs;

let workers = [startWorker(), startWorker()];
await waitFor(() => workers.every(started), 60_000, 'two workers started');

const { requested, done: launcher, launching } = rig.launch(ASSESSMENTS, IN_FLIGHT, LAUNCH_EVERY_MS);

// The stops: SIGTERM to a worker holding check jobs, at a random moment; started again once it has exited.
interface Stop {
  stopMs: number;
  exit: NodeJS.Signals | number | null;
  held: number;
  /** Held jobs still locked or active under the stopped process's name after it exited. */
  leftLocked: number;
  /** The worker's log says it handed running jobs back (they outlived the grace). */
  handedOff: boolean;
}
const stops: Stop[] = [];
let lastKillAt = Date.now();
while (launching()) {
  await sleep(random(6000, 12_000));
  if (!launching()) break;
  const ready = workers.filter(started);
  if (ready.length < 2) continue;
  const active = await checksQueue.getJobs(['active']);
  const candidates = ready.filter((worker) => active.some((job) => job.processedBy === nameOf(worker)));
  const victim = candidates[Math.floor(Math.random() * candidates.length)];
  if (!victim) continue;
  const held = active.filter((job) => job.processedBy === nameOf(victim)).map((job) => job.id ?? '');
  killedByUs.add(victim);
  const stoppedAt = Date.now();
  victim.kill('SIGTERM');
  const exit = await exited(victim);
  lastKillAt = Date.now();
  let leftLocked = 0;
  for (const jobId of held) {
    const job = await checksQueue.getJob(jobId);
    const locked = (await stack.runtime.producer.exists(`${stack.runtime.settings.queuePrefix}:checks:${jobId}:lock`)) === 1;
    if (job && job.processedBy === nameOf(victim) && (locked || (await job.getState()) === 'active')) leftLocked += 1;
  }
  stops.push({
    stopMs: lastKillAt - stoppedAt,
    exit,
    held: held.length,
    leftLocked,
    handedOff: victim.output().includes('handed them to other workers'),
  });
  process.stdout.write(
    `stop ${stops.length}: worker ${victim.pid} holding ${held.length} check jobs exited ${exit} after ${lastKillAt - stoppedAt} ms\n`,
  );
  workers = [...workers.filter((worker) => worker !== victim), startWorker()];
}
await launcher;

// Every assessment settles: its verdict within SETTLE_BOUND_MS of the last kill.
const assessmentOf = (triggerId: string) => stack.runtime.db.assessment.findUnique({ where: { requestKey: triggerId }, include: { checks: true } });
let stuck = 0;
try {
  await waitFor(
    async () => (await Promise.all(requested.map(assessmentOf))).every((row) => row?.status === 'COMPLETED' || row?.status === 'FAILED'),
    Math.max(1000, SETTLE_BOUND_MS - (Date.now() - lastKillAt)),
    'every assessment finished',
  );
} catch {
  // Counted below.
}
const settledMs = Date.now() - lastKillAt;

const stopTimes = stops.map((stop) => stop.stopMs);

const rows = await Promise.all(requested.map(assessmentOf));
let lost = 0;
let wrongVerdicts = 0;
let doubled = 0;
let rerunsAfterKill = 0;
for (const row of rows) {
  if (!row) {
    lost += 1;
    continue;
  }
  if (row.status !== 'COMPLETED') stuck += 1;
  else if (row.verdict !== 'GO') wrongVerdicts += 1;
  for (const check of row.checks) {
    if (check.status === 'PENDING') lost += 1;
    const calls = endpoint.callsFor(row.id, check.checkId);
    // A probe started after the result was recorded: a recorded check run again.
    const finishedAt = check.finishedAt?.getTime() ?? Number.POSITIVE_INFINITY;
    doubled += calls.filter((call) => call.at > finishedAt).length;
    rerunsAfterKill += Math.max(0, calls.filter((call) => call.at <= finishedAt).length - 1);
  }
}
const completions = await stack.runtime.db.auditEvent.groupBy({
  by: ['subjectId'],
  where: { action: 'assessment.completed' },
  _count: { _all: true },
});
doubled += completions.filter((group) => group._count._all > 1).length;

// SIGTERM: both workers stop gracefully, exit 0, and leave nothing locked.
const remaining = workers.filter((worker) => worker.exitCode === null && worker.signalCode === null);
// A worker restarted by the last kill may still be loading its modules, before it handles SIGTERM at all.
await waitFor(() => remaining.every(started), 60_000, 'the workers started before SIGTERM');
for (const worker of remaining) killedByUs.add(worker);
const stopStarted = Date.now();
for (const worker of remaining) worker.kill('SIGTERM');
const exitCodes = await Promise.all(remaining.map(exited));
const stopMs = Date.now() - stopStarted;
let crashes = rig.crashes() + exitCodes.filter((code) => code !== 0).length;
const locks = await stack.runtime.producer.keys(`${stack.runtime.settings.queuePrefix}:*:lock`);
stuck += locks.length + stops.reduce((sum, stop) => sum + stop.leftLocked, 0);
crashes += stops.filter((stop) => stop.exit !== 0).length;

await writeScenarioResult({
  scenario: 'sigterm',
  did: `${requested.length} assessments of ${CHECKS.length} webhook checks (a fifth outliving the 10 s grace) on 2 worker processes; ${stops.length} SIGTERMs of a worker holding check jobs (${stops.reduce((sum, stop) => sum + stop.held, 0)} jobs running), each restarted after it exited`,
  found: { lost, doubled, stuck, wrongVerdicts, crashes },
  recovery: [
    { what: 'stop p50 (SIGTERM → exit)', ms: percentile(stopTimes, 50), boundMs: STOP_BOUND_MS },
    { what: 'stop max', ms: Math.max(0, ...stopTimes), boundMs: STOP_BOUND_MS },
    { what: 'every verdict in, after the last stop', ms: settledMs, boundMs: SETTLE_BOUND_MS },
  ],
  figures: {
    assessments: requested.length,
    stops: stops.length,
    exitCodes: stops.map((stop) => String(stop.exit)).join(','),
    handedOffStops: stops.filter((stop) => stop.handedOff).length,
    probeCalls: endpoint.calls.length,
    rerunsOfInterruptedChecks: rerunsAfterKill,
    finalStopMs: stopMs,
    loadAverage: loadavg()
      .map((load) => load.toFixed(2))
      .join(' '),
  },
});

await rig.close();
process.exit(0);
