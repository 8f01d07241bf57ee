// Guarantee 2: a killed worker's jobs are picked up by another worker in under 15 s, and a check already recorded
// is not run again. Two worker processes (`src/main/worker.ts`) and the bot run 100 assessments of 5 webhook checks
// each, one every 2 s (answered after 0.5–4 s, so kills land mid-check); every 3–8 s one worker holding check jobs is killed
// with SIGKILL and started again. For every check job the victim held, the pickup time is the kill to the moment
// another process took the job (BullMQ's processedOn of its next attempt). At the end both workers get SIGTERM.
//
// `npm run chaos -- worker-kill`; ASSESSMENTS=<n> for another size.
import { loadavg } from 'node:os';
import { exited } from '../../test/support/processes.ts';
import { waitFor } from './support/private-services.ts';
import { writeScenarioResult } from './support/result.ts';
import { CHECKS, percentile, random, sleep, startCheckWorkerRig } from './support/check-worker-rig.ts';
import { wholeNumberFromEnv } from './support/env.ts';

const ASSESSMENTS = wholeNumberFromEnv('ASSESSMENTS', 100);
/** Assessments in flight at once: enough that a kill always finds checks running. */
const IN_FLIGHT = 10;
/** One new assessment this often (100 take over 3 minutes). */
const LAUNCH_EVERY_MS = 2000;
const PICKUP_BOUND_MS = 15_000;
/** How long after the last kill every assessment must have its verdict. */
const SETTLE_BOUND_MS = 120_000;

const rig = await startCheckWorkerRig({ tag: 'wk', scenario: 'worker-kill scenario', checkAfterMs: () => random(500, 4000), checkTimeoutMs: 10_000 });
const { stack, endpoint, checksQueue, startWorker, started, nameOf } = rig;
const killedByUs = rig.stoppedByUs;

let workers = [startWorker(), startWorker()];
await waitFor(() => workers.every(started), 60_000, 'two workers started');

const { requested, done: launcher, launching } = rig.launch(ASSESSMENTS, IN_FLIGHT, LAUNCH_EVERY_MS);

// The kills: a worker holding check jobs, at a random moment, started again at once.
interface KilledJob {
  jobId: string;
  killedAt: number;
  victim: string;
  pickupMs?: number;
  finishedBeforeKill?: boolean;
}
const killedJobs: KilledJob[] = [];
const watchers: Promise<void>[] = [];
/**
 * Polls a killed job until another process has started it (BullMQ's processedOn of that attempt), so a job killed
 * again later still gets the pickup of this kill. A job whose result was in before the kill is no pickup.
 */
async function watchPickup(killed: KilledJob): Promise<void> {
  const deadline = killed.killedAt + SETTLE_BOUND_MS;
  while (Date.now() < deadline) {
    const job = await checksQueue.getJob(killed.jobId);
    if (!job) return;
    if (job.processedOn !== undefined && job.processedOn >= killed.killedAt && job.processedBy !== killed.victim) {
      killed.pickupMs = job.processedOn - killed.killedAt;
      return;
    }
    if (job.finishedOn !== undefined && job.finishedOn <= killed.killedAt) {
      killed.finishedBeforeKill = true;
      return;
    }
    await sleep(100);
  }
}
let kills = 0;
/** How long a restarted worker took to take jobs again (module loading on a busy machine). */
const restartTimes: number[] = [];
let lastKillAt = Date.now();
while (launching()) {
  await sleep(random(3000, 8000));
  if (!launching()) break;
  const ready = workers.filter(started);
  if (ready.length < 2) continue;
  const active = await checksQueue.getJobs(['active']);
  const candidates = ready.filter((worker) => active.some((job) => job.processedBy === nameOf(worker)));
  const victim = candidates[Math.floor(Math.random() * candidates.length)];
  if (!victim) continue;
  const held = active.filter((job) => job.processedBy === nameOf(victim)).map((job) => job.id ?? '');
  killedByUs.add(victim);
  victim.kill('SIGKILL');
  const killedAt = Date.now();
  await exited(victim);
  kills += 1;
  lastKillAt = killedAt;
  for (const jobId of held) {
    const killed: KilledJob = { jobId, killedAt, victim: nameOf(victim) };
    killedJobs.push(killed);
    watchers.push(watchPickup(killed));
  }
  process.stdout.write(`kill ${kills}: worker ${victim.pid} holding ${held.length} check jobs\n`);
  const restarted = startWorker();
  workers = [...workers.filter((worker) => worker !== victim), restarted];
  void waitFor(() => started(restarted), 120_000, 'restart').then(
    (ms) => restartTimes.push(ms),
    () => undefined,
  );
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

await Promise.all(watchers);
const pickups = killedJobs.flatMap((killed) => (killed.pickupMs === undefined ? [] : [killed.pickupMs]));
const neverPickedUp = killedJobs.filter((killed) => killed.pickupMs === undefined && !killed.finishedBeforeKill);

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
const crashes = rig.crashes() + exitCodes.filter((code) => code !== 0).length;
const locks = await stack.runtime.producer.keys(`${stack.runtime.settings.queuePrefix}:*:lock`);
stuck += locks.length + neverPickedUp.length;

await writeScenarioResult({
  scenario: 'worker-kill',
  did: `${requested.length} assessments of ${CHECKS.length} webhook checks on 2 worker processes; ${kills} SIGKILLs of a worker holding check jobs (${killedJobs.length} jobs in flight), each restarted at once; then SIGTERM to both`,
  found: { lost, doubled, stuck, wrongVerdicts, crashes },
  recovery: [
    { what: 'pickup p50 (kill → job running elsewhere)', ms: percentile(pickups, 50), boundMs: PICKUP_BOUND_MS },
    { what: 'pickup max', ms: Math.max(0, ...pickups), boundMs: PICKUP_BOUND_MS },
    { what: 'every verdict in, after the last kill', ms: settledMs, boundMs: SETTLE_BOUND_MS },
  ],
  figures: {
    assessments: requested.length,
    kills,
    killedJobs: killedJobs.length,
    pickups: pickups.length,
    pickupP90Ms: percentile(pickups, 90),
    probeCalls: endpoint.calls.length,
    rerunsOfInterruptedChecks: rerunsAfterKill,
    restartP50Ms: percentile(restartTimes, 50),
    sigtermStopMs: stopMs,
    sigtermExitCodes: exitCodes.join(','),
    loadAverage: loadavg()
      .map((load) => load.toFixed(2))
      .join(' '),
  },
});

await rig.close();
process.exit(0);
