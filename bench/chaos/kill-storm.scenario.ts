// Issue 15: SIGKILL of a bot or a worker at random points across 100 deployments and 100 assessments.
//
// Two bots and two workers as processes (src/main/bot.ts, src/main/worker.ts; support/fleet.ts) on a private Postgres
// and Redis, the Slack stand-in as Slack, the deploy receiver counting idempotency keys, the check endpoint as the
// checked services. The scenario drives, through signed commands and clicks to the bots:
// - KILL_ASSESSMENTS assessments (`/readiness run`), of a service whose true verdict is GO and, one in four, of one
//   whose true verdict is NO-GO (a critical check against a closed port);
// - KILL_DEPLOYMENTS deployments, each `run` → `deploy` → a click on Start, running the standard template's four
//   phases of webhook tasks (answered after 0.3–2.5 s, so kills land mid-task); one in KILL_FAIL_EVERY fails its
//   verification on purpose and must end ROLLED_BACK, every other one SUCCEEDED.
// Meanwhile, every KILL_INTERVAL_MS (± 50 %), a random bot or worker is SIGKILLed and started again at once; one is
// only killed while the other of its kind serves, as in production, where a replica's work goes to another.
// A request a killed bot never answered is delivered again to the other one (Slack retries, or the load balancer
// sends it on).
//
// At the end it counts: assessments without their true verdict or with two `assessment.completed` (wrong, doubled);
// deployments not final, or final otherwise than intended; webhook effects applied twice (one path, two keys) or
// never; Slack messages posted twice (two first messages for one assessment, two deployment messages or two of one
// announcement in a release thread); jobs still locked. Recovery: every job a killed worker held, from the kill to its
// start in another process (bound 15 s), and every item final after the last kill.
//
// `npm run chaos -- kill-storm`; KILL_ASSESSMENTS, KILL_DEPLOYMENTS, KILL_INTERVAL_MS, KILL_FAIL_EVERY for other sizes.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { QueueName } from '../../src/queue/names.ts';
import { migrationsDir } from '../../src/shared/paths.ts';
import { ids } from '../../src/slack/ids.ts';
import { applyMigrations, ensureDatabase } from '../../src/store/migrations.ts';
import { CheckEndpoint } from '../../tools/demo/check-endpoint.ts';
import { DeployReceiver } from '../../tools/demo/deploy-receiver.ts';
import { SlackStandIn } from '../../tools/slack-stand-in/slack-stand-in.ts';
import { fleetEnv, inBatches, startFleet, type FleetMember } from './support/fleet.ts';
import { freePort, startPrivatePostgres, startPrivateRedis, waitFor } from './support/private-services.ts';
import { writeScenarioResult } from './support/result.ts';
import { wholeNumberFromEnv } from './support/env.ts';

const ASSESSMENTS = wholeNumberFromEnv('KILL_ASSESSMENTS', 100);
const DEPLOYMENTS = wholeNumberFromEnv('KILL_DEPLOYMENTS', 100);
const KILL_INTERVAL_MS = wholeNumberFromEnv('KILL_INTERVAL_MS', 6000);
const FAIL_EVERY = wholeNumberFromEnv('KILL_FAIL_EVERY', 10);
/** Flows (an assessment, or a deployment from `run` to its final state) driven at once. */
const IN_FLIGHT = wholeNumberFromEnv('KILL_IN_FLIGHT', 8);
const ENVIRONMENTS = Array.from({ length: 10 }, (_, index) => `e${index}`);
const CHANNEL = 'C0KILLSTORM';
const INCIDENTS = 'C0INCIDENTS';
const REQUESTER = 'U0REQUESTER';
const DEPLOYER = 'U0DEPLOYER';
const SECRET = 'a-shared-webhook-secret-of-enough-length';
const PICKUP_BOUND_MS = 15_000;
/** Every item final this long after the last kill. */
const SETTLE_BOUND_MS = 180_000;
/** Bounds on waits for one flow's next state; they end a hang, they are not performance figures. */
const STEP_BOUND_MS = 240_000;
const TASKS = ['prepare', 'deploy', 'verify', 'finalize'];
const FINAL_DEPLOYMENT = ['SUCCEEDED', 'FAILED', 'ROLLED_BACK', 'ROLLBACK_FAILED', 'ABORTED', 'CANCELLED'];

const random = (min: number, max: number) => min + Math.random() * (max - min);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0);
};
const deployService = (index: number) => `dep-${String(index).padStart(3, '0')}`;
const failsOnPurpose = (index: number) => FAIL_EVERY > 0 && index % FAIL_EVERY === FAIL_EVERY - 1;
const load = () =>
  loadavg()
    .map((value) => value.toFixed(1))
    .join(' ');

const started = Date.now();
const progress = (line: string) => process.stdout.write(`  [${Math.round((Date.now() - started) / 1000)} s] ${line}\n`);
const postgres = await startPrivatePostgres();
const redis = await startPrivateRedis({ persistence: 'none' });
const databaseUrl = postgres.url('readiness_kill_storm');
await ensureDatabase(databaseUrl);
await applyMigrations(databaseUrl, migrationsDir);
const db = new pg.Pool({ connectionString: databaseUrl, max: 4 });
const receiver = await DeployReceiver.start({ secret: SECRET });
for (let index = 0; index < DEPLOYMENTS; index++) {
  for (const task of [...TASKS, 'rollback']) receiver.behave(`/${deployService(index)}/${task}`, { delayMs: Math.round(random(300, 2500)) });
  if (failsOnPurpose(index)) receiver.behave(`/${deployService(index)}/verify`, { status: 500, delayMs: Math.round(random(300, 2500)) });
}
const endpoint = await CheckEndpoint.start(() => ({ afterMs: random(300, 2500) }));
const closedPort = await freePort();
const signingSecret = randomBytes(16).toString('hex');
const botToken = 'xoxb-chaos-kill-storm';
const standIn = await SlackStandIn.start({
  signingSecret,
  botToken,
  channels: [CHANNEL, INCIDENTS],
  users: Object.fromEntries([REQUESTER, DEPLOYER].map((id) => [id, { name: id.toLowerCase() }])),
});

const webhookCheck = (id: string) => ({ id, name: id, type: 'webhook', severity: 'critical', url: `${endpoint.url}/${id}`, timeoutMs: 10_000 });
const config = {
  roles: { deployers: { users: [DEPLOYER] }, 'on-call': { users: [DEPLOYER] } },
  incidents: { channel: INCIDENTS },
  services: {
    green: { environments: Object.fromEntries(ENVIRONMENTS.map((environment) => [environment, {}])), checks: ['c1', 'c2', 'c3'].map(webhookCheck) },
    red: {
      environments: Object.fromEntries(ENVIRONMENTS.map((environment) => [environment, {}])),
      checks: [
        ...['c1', 'c2'].map(webhookCheck),
        { id: 'down', name: 'down', type: 'http', severity: 'critical', url: `http://127.0.0.1:${closedPort}/healthz`, timeoutMs: 5000 },
      ],
    },
    ...Object.fromEntries(
      Array.from({ length: DEPLOYMENTS }, (_, index) => [
        deployService(index),
        {
          environments: {
            prod: {
              vars: { deployUrl: `${receiver.url}/${deployService(index)}` },
              deploy: { deployerRole: 'deployers', webhookSecret: SECRET },
            },
          },
          checks: [webhookCheck('c1')],
        },
      ]),
    ),
  },
};
const dir = await mkdtemp(join(tmpdir(), 'readiness-chaos-kill-storm-'));
const configPath = join(dir, 'readiness.yaml');
// JSON is YAML.
await writeFile(configPath, JSON.stringify(config));

const QUEUE_PREFIX = 'killstorm';
const fleet = await startFleet({
  env: fleetEnv(
    { botToken, slackApiUrl: standIn.apiUrl, databaseUrl, redisUrl: redis.url, queuePrefix: QUEUE_PREFIX, configPath },
    { WORKER_CONCURRENCY: '20' },
  ),
  signingSecret,
  bots: 2,
  workers: 2,
});
const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
const watchedQueues = [QueueName.checks, QueueName.assessments, QueueName.deployments, QueueName.intake, QueueName.slackRender].map(
  (name) => new Queue(name, { connection, prefix: QUEUE_PREFIX }),
);
const count = async (sql: string, params: unknown[] = []) => Number((await db.query<{ n: string }>(sql, params)).rows[0]?.n ?? 0);
const until = (probe: () => Promise<boolean> | boolean, what: string, boundMs = STEP_BOUND_MS) => fleet.until(probe, what, boundMs);

const found = { lost: 0, doubled: 0, stuck: 0, wrongVerdicts: 0, crashes: 0 };
const figures: Record<string, number | string> = {};
const notes: string[] = [];
const note = (line: string) => {
  notes.push(line);
  progress(`NOTE ${line}`);
};

// ---- Delivery as Slack does it: a request the bot never answered (it died) is sent again, to the other bot.
let redeliveries = 0;
let refusals = 0;
/** Sends through `send` to bot `first`, then the other, until one answers 200 with something other than a refusal. */
async function deliver<R extends { status: number; body: string }>(first: number, send: (url: string) => Promise<R>): Promise<R> {
  for (let attempt = 0; attempt < 40; attempt++) {
    const bot = fleet.bots[(first + attempt) % fleet.bots.length] as FleetMember;
    const result = await send(bot.eventsUrl).catch(() => undefined);
    if (result && result.status === 200) {
      if (!result.body.includes('temporarily unavailable')) return result;
      refusals++;
    }
    redeliveries++;
    await sleep(500);
  }
  throw new Error('no bot answered 40 deliveries');
}

// ---- The kills.
interface KilledJob {
  queue: Queue;
  jobId: string;
  killedAt: number;
  victim: string;
  pickupMs?: number;
  done?: boolean;
}
const killedJobs: KilledJob[] = [];
const watchers: Promise<void>[] = [];
const kills: { kind: string; at: number; heldJobs: number; restartMs?: number }[] = [];
let killing = true;
let lastKillAt = Date.now();
const nameOf = (member: FleetMember) => `${hostname()}:${member.process.pid}`;

/** Until another process started the job (processedOn of a later attempt), or it finished before the kill. */
async function watchPickup(killed: KilledJob): Promise<void> {
  const deadline = killed.killedAt + SETTLE_BOUND_MS;
  while (Date.now() < deadline) {
    const job = await killed.queue.getJob(killed.jobId).catch(() => undefined);
    if (!job) {
      killed.done = true;
      return;
    }
    if (job.processedOn !== undefined && job.processedOn >= killed.killedAt && job.processedBy !== killed.victim) {
      killed.pickupMs = job.processedOn - killed.killedAt;
      return;
    }
    if (job.finishedOn !== undefined && job.finishedOn <= killed.killedAt) {
      killed.done = true;
      return;
    }
    await sleep(200);
  }
}

async function killLoop(): Promise<void> {
  while (killing) {
    await sleep(random(KILL_INTERVAL_MS * 0.5, KILL_INTERVAL_MS * 1.5));
    if (!killing) return;
    const serving = await Promise.all(fleet.all().map(async (member) => ((await fleet.serving(member)) ? member : undefined)));
    const up = serving.filter((member): member is FleetMember => member !== undefined);
    // Only one of a kind whose sibling serves: the other replica is what takes its work over.
    const candidates = up.filter((member) => up.some((other) => other !== member && other.kind === member.kind));
    const victim = candidates[Math.floor(Math.random() * candidates.length)];
    if (!victim) continue;
    const victimName = nameOf(victim);
    const held: { queue: Queue; jobId: string }[] = [];
    if (victim.kind === 'worker')
      for (const queue of watchedQueues)
        for (const job of await queue.getJobs(['active']))
          if (job.processedBy === victimName && job.id !== undefined) held.push({ queue, jobId: job.id });
    await fleet.kill(victim);
    const killedAt = Date.now();
    lastKillAt = killedAt;
    fleet.restart(victim);
    const kill: (typeof kills)[number] = { kind: victim.kind, at: killedAt, heldJobs: held.length };
    kills.push(kill);
    for (const job of held) {
      const killed: KilledJob = { ...job, killedAt, victim: victimName };
      killedJobs.push(killed);
      watchers.push(watchPickup(killed));
    }
    const heldBy = held.map((job) => job.queue.name).join(', ');
    progress(
      `kill ${kills.length}: ${victim.kind} ${victim.index} of ${candidates.length} candidates (${held.length} jobs held${heldBy ? `: ${heldBy}` : ''}), load ${load()}`,
    );
    void waitFor(() => fleet.serving(victim), 180_000, 'restart').then(
      (ms) => (kill.restartMs = ms),
      () => undefined,
    );
  }
}

// ---- The flows.
const assessmentKeys: { triggerId: string; expected: 'GO' | 'NO_GO' }[] = [];
const deploymentRuns: { index: number; assessmentKey?: string; planKey?: string; deploymentId?: string; startLost?: boolean }[] = [];

/** A slash command, delivered until a bot answers it; a redelivery carries the same trigger id, as Slack's retry does. */
async function command(first: number, text: string, userId: string): Promise<string> {
  const sent: { triggerId?: string } = {};
  await deliver(first, async (url) => {
    const result = await standIn.sendSlashCommand(url, {
      text,
      userId,
      channelId: CHANNEL,
      ...(sent.triggerId ? { triggerId: sent.triggerId } : {}),
    });
    sent.triggerId = result.triggerId;
    return result;
  });
  if (sent.triggerId === undefined) throw new Error(`${text}: never sent`);
  return sent.triggerId;
}

async function runAssessment(index: number): Promise<void> {
  const service = index % 4 === 3 ? 'red' : 'green';
  const text = `run ${service} ${ENVIRONMENTS[index % ENVIRONMENTS.length]}`;
  const key = await command(index, text, REQUESTER);
  assessmentKeys.push({ triggerId: key, expected: service === 'green' ? 'GO' : 'NO_GO' });
  await until(
    async () =>
      (await count(`select count(*) n from assessments where request_key = $1 and status in ('COMPLETED', 'FAILED', 'UNASSESSABLE')`, [key])) > 0,
    `assessment ${index} final`,
  ).catch((error: unknown) => note((error as Error).message.split('\n')[0] ?? ''));
}

async function runDeployment(index: number): Promise<void> {
  const run: (typeof deploymentRuns)[number] = { index };
  deploymentRuns.push(run);
  const service = deployService(index);
  run.assessmentKey = await command(index, `run ${service} prod`, DEPLOYER);
  await until(
    async () =>
      (await count(`select count(*) n from assessments where request_key = $1 and status = 'COMPLETED' and message_ts is not null`, [
        run.assessmentKey,
      ])) > 0,
    `deployment ${index}: its assessment`,
  );
  run.planKey = await command(index + 1, `deploy ${service} prod`, DEPLOYER);
  await until(
    async () => (await count(`select count(*) n from deployments where request_key = $1 and message_ts is not null`, [run.planKey])) > 0,
    `deployment ${index}: its plan posted`,
  );
  const row = (await db.query<{ id: string; message_ts: string }>(`select id, message_ts from deployments where request_key = $1`, [run.planKey]))
    .rows[0];
  if (!row) throw new Error(`deployment ${index}: no row`);
  run.deploymentId = row.id;
  const clickOn = { channel: CHANNEL, ts: row.message_ts, actionId: ids.actions.deployStart, userId: DEPLOYER };
  const started = async () => (await count(`select count(*) n from deployments where id = $1 and status <> 'PLANNED'`, [row.id])) > 0;
  const refusedAt = (responseUrl: string) =>
    standIn.responses.some((response) => response.url === responseUrl && JSON.stringify(response.body).includes('temporarily unavailable'));
  let told: string[] = [];
  // A click a killed bot never answered is delivered again with the same payload (Slack's retry, the inbox knows it);
  // one refused because the database was busy ("please try again", through its response URL) is clicked again, as
  // the person would. An answered click that neither starts the deployment nor is refused is a lost Start.
  for (let clicks = 0; clicks < 5 && !(await started()); clicks++) {
    const first = await standIn.clickButton((fleet.bots[(index + clicks) % 2] as FleetMember).eventsUrl, clickOn).catch(() => undefined);
    let responseUrl = first?.responseUrl;
    if (first?.status !== 200) {
      const payload = first?.payload;
      const again = payload
        ? await deliver(index + clicks + 1, (url) => standIn.sendInteraction(url, payload))
        : await deliver(index + clicks + 1, (url) => standIn.clickButton(url, clickOn));
      responseUrl = again.responseUrl;
    }
    const url = responseUrl ?? '';
    const refused = await until(async () => (await started()) || refusedAt(url), `deployment ${index}: started`, 90_000).then(
      () => refusedAt(url),
      () => false,
    );
    told = standIn.responses.filter((response) => response.url === url).map((response) => JSON.stringify(response.body).slice(0, 200));
    if (!refused) break;
    refusals++;
  }
  if (!(await started())) {
    run.startLost = true;
    note(`deployment ${index}: the Start click was answered but the deployment never started; told ${JSON.stringify(told)}`);
  }
  if (run.startLost) return;
  await until(
    async () => (await count(`select count(*) n from deployments where id = $1 and status = any($2)`, [row.id, FINAL_DEPLOYMENT])) > 0,
    `deployment ${index} final`,
  ).catch((error: unknown) => note((error as Error).message.split('\n')[0] ?? ''));
}

try {
  const startupMs = await until(async () => (await Promise.all(fleet.all().map(fleet.serving))).every(Boolean), 'every process serving', 300_000);
  figures.startupMs = startupMs;
  progress(`2 bots and 2 workers serving after ${startupMs} ms; load ${load()}`);
  const loads: number[] = [];
  const sampler = setInterval(() => loads.push(loadavg()[0] ?? 0), 5000);
  const kill = killLoop();
  // Interleaved, so assessments and deployments are both in flight when a kill lands.
  const ordered: (() => Promise<void>)[] = [];
  for (let index = 0; index < Math.max(ASSESSMENTS, DEPLOYMENTS); index++) {
    if (index < DEPLOYMENTS) ordered.push(() => runDeployment(index));
    if (index < ASSESSMENTS) ordered.push(() => runAssessment(index));
  }
  let done = 0;
  await inBatches(ordered, IN_FLIGHT, async (flow) => {
    await flow().catch((error: unknown) => note(`a flow stopped: ${(error as Error).message.split('\n')[0]}`));
    done++;
    if (done % 10 === 0) progress(`${done} of ${ordered.length} flows done, ${kills.length} kills, load ${load()}`);
  });
  killing = false;
  await kill;
  const drivenAt = Date.now();
  progress(`every flow driven; ${kills.length} kills; settling`);

  // Every item final, after the last kill.
  const allFinal = async () =>
    (await count(`select count(*) n from assessments where status not in ('COMPLETED', 'FAILED', 'UNASSESSABLE')`)) === 0 &&
    (await count(`select count(*) n from deployments where status not in ('PLANNED') and status <> all($1)`, [FINAL_DEPLOYMENT])) === 0;
  await until(allFinal, 'every item final', Math.max(5000, SETTLE_BOUND_MS - (Date.now() - lastKillAt))).catch((error: unknown) =>
    note((error as Error).message.split('\n')[0] ?? ''),
  );
  const settledMs = Date.now() - lastKillAt;
  await Promise.all(watchers);
  clearInterval(sampler);
  // Renders coalesce in windows: let the last ones run before reading what Slack shows.
  await until(
    async () => (await Promise.all(watchedQueues.map((queue) => queue.getActiveCount()))).every((n) => n === 0),
    'queues idle',
    60_000,
  ).catch(() => undefined);

  // ---- Assessments: the true verdict once, one first message each.
  const assessments = (
    await db.query<{ id: string; request_key: string; status: string; verdict: string | null; message_ts: string | null; service: string }>(
      `select id, request_key, status, verdict, message_ts, service from assessments`,
    )
  ).rows;
  const byKey = new Map(assessments.map((row) => [row.request_key, row]));
  const completions = new Map(
    (
      await db.query<{ subject_id: string; n: string }>(
        `select subject_id, count(*) n from audit_events where action = 'assessment.completed' group by subject_id`,
      )
    ).rows.map((row) => [row.subject_id, Number(row.n)]),
  );
  const breakdown: Record<string, number> = {};
  const add = (what: string, n = 1) => (breakdown[what] = (breakdown[what] ?? 0) + n);
  const expectations = [
    ...assessmentKeys,
    ...deploymentRuns.flatMap((run) => (run.assessmentKey ? [{ triggerId: run.assessmentKey, expected: 'GO' as const }] : [])),
  ];
  const topLevel = standIn.messages(CHANNEL).filter((message) => message.threadTs === undefined);
  for (const { triggerId, expected } of expectations) {
    const row = byKey.get(triggerId);
    if (!row) {
      add('assessmentLost');
      continue;
    }
    if (row.status !== 'COMPLETED') add('assessmentNotCompleted');
    else if (row.verdict !== expected) add('wrongVerdict');
    const completed = completions.get(row.id) ?? 0;
    if (completed === 0 && row.status === 'COMPLETED') add('completionNotAudited');
    if (completed > 1) add('completionDoubled', completed - 1);
    const posts = topLevel.filter((message) => JSON.stringify(message.metadata ?? {}).includes(`assessment:${row.id}`)).length;
    if (posts === 0) add('assessmentMessageLost');
    if (posts > 1) add('assessmentMessageDoubled', posts - 1);
  }
  figures.assessmentsDriven = assessmentKeys.length;
  figures.verdicts = [...new Set(assessments.map((row) => row.verdict))]
    .map((verdict) => `${verdict}×${assessments.filter((row) => row.verdict === verdict).length}`)
    .join(' ');

  // ---- Deployments: final as intended, each webhook effect once, one message and one of each announcement.
  const deployments = new Map(
    (
      await db.query<{ id: string; status: string; message_ts: string | null; thread_ts: string | null }>(
        `select id, status, message_ts, thread_ts from deployments`,
      )
    ).rows.map((row) => [row.id, row]),
  );
  const outcomes: Record<string, number> = {};
  for (const run of deploymentRuns) {
    const service = deployService(run.index);
    const row = run.deploymentId ? deployments.get(run.deploymentId) : undefined;
    if (!row) {
      add('deploymentLost');
      continue;
    }
    if (run.startLost) add('startLost');
    outcomes[row.status] = (outcomes[row.status] ?? 0) + 1;
    const intended = failsOnPurpose(run.index) ? 'ROLLED_BACK' : 'SUCCEEDED';
    if (!FINAL_DEPLOYMENT.includes(row.status)) add('deploymentNotFinal');
    else if (row.status !== intended) add('deploymentWrongOutcome');
    const tasks = failsOnPurpose(run.index) ? ['prepare', 'deploy', 'verify', 'rollback'] : TASKS;
    for (const task of tasks) {
      const applied = receiver.calls.filter((call) => call.executed && call.path === `/${service}/${task}`).length;
      if (applied === 0) add('webhookLost');
      if (applied > 1) add('webhookDoubled', applied - 1);
    }
    const thread = standIn.messages(CHANNEL).filter((message) => message.threadTs === row.thread_ts && message.ts !== row.thread_ts);
    const said = (fragment: string) => thread.filter((message) => (message.text ?? '').includes(fragment)).length;
    const messages = thread.filter((message) => JSON.stringify(message.blocks ?? []).includes(`Deployment \`${row.id.slice(0, 8)}\``)).length;
    const expectedSaid = failsOnPurpose(run.index) ? [':rewind: Rolling back', 'Rollback finished'] : ['*Deployed*'];
    if (messages === 0) add('deploymentMessageLost');
    if (messages > 1) add('deploymentMessageDoubled', messages - 1);
    for (const fragment of expectedSaid) {
      const n = said(fragment);
      if (n === 0 && row.status === intended) add('announcementLost');
      if (n > 1) add('announcementDoubled', n - 1);
    }
  }
  figures.deploymentOutcomes = Object.entries(outcomes)
    .map(([status, n]) => `${status}×${n}`)
    .join(' ');
  figures.webhookCalls = receiver.calls.length;
  figures.webhookEffects = receiver.calls.filter((call) => call.executed).length;
  figures.webhookReplays = receiver.calls.filter((call) => !call.executed).length;
  const locks = await connection.keys(`${QUEUE_PREFIX}:*:lock`);
  if (locks.length > 0) add('jobsLocked', locks.length);
  const neverPickedUp = killedJobs.filter((killed) => killed.pickupMs === undefined && !killed.done);
  if (neverPickedUp.length > 0) add('killedJobsNeverPickedUp', neverPickedUp.length);

  found.lost =
    (breakdown.assessmentLost ?? 0) +
    (breakdown.completionNotAudited ?? 0) +
    (breakdown.assessmentMessageLost ?? 0) +
    (breakdown.deploymentLost ?? 0) +
    (breakdown.startLost ?? 0) +
    (breakdown.webhookLost ?? 0) +
    (breakdown.deploymentMessageLost ?? 0) +
    (breakdown.announcementLost ?? 0);
  found.doubled =
    (breakdown.completionDoubled ?? 0) +
    (breakdown.assessmentMessageDoubled ?? 0) +
    (breakdown.webhookDoubled ?? 0) +
    (breakdown.deploymentMessageDoubled ?? 0) +
    (breakdown.announcementDoubled ?? 0);
  found.stuck =
    (breakdown.assessmentNotCompleted ?? 0) +
    (breakdown.deploymentNotFinal ?? 0) +
    (breakdown.jobsLocked ?? 0) +
    (breakdown.killedJobsNeverPickedUp ?? 0);
  found.wrongVerdicts = (breakdown.wrongVerdict ?? 0) + (breakdown.deploymentWrongOutcome ?? 0);
  figures.breakdown = JSON.stringify(breakdown);

  const pickups = killedJobs.flatMap((killed) => (killed.pickupMs === undefined ? [] : [killed.pickupMs]));
  const restarts = kills.flatMap((entry) => (entry.restartMs === undefined ? [] : [entry.restartMs]));
  figures.kills = kills.length;
  figures.botKills = kills.filter((entry) => entry.kind === 'bot').length;
  figures.workerKills = kills.filter((entry) => entry.kind === 'worker').length;
  figures.killedJobs = killedJobs.length;
  figures.killedJobsByQueue = [...new Set(killedJobs.map((killed) => killed.queue.name))]
    .map((name) => `${name}×${killedJobs.filter((killed) => killed.queue.name === name).length}`)
    .join(' ');
  figures.pickupP50Ms = percentile(pickups, 50);
  figures.pickupP90Ms = percentile(pickups, 90);
  figures.pickupMaxMs = Math.max(0, ...pickups);
  figures.restartP50Ms = percentile(restarts, 50);
  figures.restartMaxMs = Math.max(0, ...restarts);
  figures.redeliveries = redeliveries;
  figures.refusedDatabaseBusy = refusals;
  figures.driveSeconds = Math.round((drivenAt - started) / 1000);
  figures.settledAfterLastKillMs = settledMs;
  figures.loadAverageDuring = `${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`;
  figures.recovery = JSON.stringify([
    { what: 'pickup p50 (kill → job running in another worker)', ms: percentile(pickups, 50), boundMs: PICKUP_BOUND_MS },
    { what: 'pickup max', ms: Math.max(0, ...pickups), boundMs: PICKUP_BOUND_MS },
    { what: 'every item final, after the last kill', ms: settledMs, boundMs: SETTLE_BOUND_MS },
  ]);
} catch (error) {
  note((error as Error).message.slice(0, 3000));
  found.stuck += 1;
} finally {
  killing = false;
  figures.logs = await fleet.keepLogs(join(tmpdir(), `readiness-chaos-kill-storm-${started}`));
  const crashes = fleet.crashReports();
  found.crashes += crashes.length;
  notes.push(...crashes);
  await fleet.killAll();
  await Promise.all(watchedQueues.map((queue) => queue.close()));
  connection.disconnect();
  await db.end();
  await standIn.close();
  await receiver.close();
  await endpoint.close();
  await redis.destroy();
  await postgres.destroy();
  await rm(dir, { recursive: true, force: true });
}

const recovery = figures.recovery ? (JSON.parse(String(figures.recovery)) as { what: string; ms: number; boundMs: number }[]) : [];
delete figures.recovery;
if (notes.length > 0) figures.notes = notes.join(' | ').slice(0, 6000);
figures.totalSeconds = Math.round((Date.now() - started) / 1000);
await writeScenarioResult({
  scenario: 'kill-storm',
  did:
    `2 bots + 2 workers (processes) on a private Postgres and Redis; ${ASSESSMENTS} assessments and ${DEPLOYMENTS} deployments (run → deploy → Start, ` +
    `4 webhook phases, 1 in ${FAIL_EVERY} failing verification on purpose) driven through signed commands and clicks while a random bot or worker ` +
    `was SIGKILLed about every ${KILL_INTERVAL_MS} ms and restarted at once`,
  found,
  recovery,
  figures,
});
process.exit(0);
