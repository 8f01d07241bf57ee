// Guarantee 5: two bot replicas and two workers behind one Redis and one Postgres post each digest once, page each
// escalation level once, record each approval once and apply each webhook effect once.
//
// Real processes (src/main/bot.ts and src/main/worker.ts, twice each) against a private Postgres and Redis, the Slack
// stand-in as Slack, the deploy receiver counting idempotency keys, the example service as the checked target. Then:
// - APPROVALS sign-off approvals, each delivered four times: a click to one bot, a double click to the other at the
//   same moment, and one signed request replayed byte for byte to both (Slack retrying a delivery);
//   halfway through, one bot is SIGKILLed the moment it has acknowledged a click and started again: what it
//   acknowledged must still be recorded once (the inbox replay), and what it never answered is clicked again, as a
//   person shown an error would, and must then be recorded once;
// - a digest due every minute, which both bots schedule;
// - a SEV2 incident, opened once and replayed to the other bot, that escalates from on-call to the tech lead;
// - DEPLOYMENTS deployments whose Start is clicked on both bots and replayed, each running four webhook tasks.
// Then it counts, from Postgres and from what Slack and the receiver saw, every effect that is missing or doubled.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { migrationsDir } from '../../src/shared/paths.ts';
import { ids } from '../../src/slack/ids.ts';
import { applyMigrations, ensureDatabase } from '../../src/store/migrations.ts';
import { DeployReceiver } from '../../tools/demo/deploy-receiver.ts';
import { startExampleService } from '../../tools/demo/example-service.ts';
import { SlackStandIn } from '../../tools/slack-stand-in/slack-stand-in.ts';
import { fleetEnv, inBatches, replayOne, startFleet, type FleetMember } from './support/fleet.ts';
import { startPrivatePostgres, startPrivateRedis } from './support/private-services.ts';
import { writeScenarioResult } from './support/result.ts';
import { wholeNumberFromEnv } from './support/env.ts';

const APPROVAL_SERVICES = wholeNumberFromEnv('REPLICAS_SERVICES', 25);
const ROLES = 10;
const DEPLOYMENTS = wholeNumberFromEnv('REPLICAS_DEPLOYMENTS', 4);
const DELIVERIES_IN_FLIGHT = 8;
const CHANNEL = 'C0REPLICAS';
const INCIDENTS = 'C0INCIDENTS';
const DIGESTS = 'C0DIGESTS';
const REQUESTER = 'U0REQUESTER';
const DEPLOYER = 'U0DEPLOYER';
const ONCALL = 'U0ONCALL';
const LEAD = 'U0LEAD';
const SECRET = 'a-shared-webhook-secret-of-enough-length';
const ESCALATE_AFTER_MS = 4000;
/** Waits on state are bounded so a hang ends the run; they are not performance figures. */
const BOUND_MS = 300_000;
/** How long effects of deliveries already answered may take to show: past it, what is missing counts as lost. */
const SETTLE_MS = 120_000;

const roleUser = (index: number) => `U0ROLE${index}`;
const approvalService = (index: number) => `svc-${String(index).padStart(2, '0')}`;
const deployService = (index: number) => `shop-${index}`;

const started = Date.now();
const postgres = await startPrivatePostgres();
const redis = await startPrivateRedis({ persistence: 'none' });
const databaseUrl = postgres.url('readiness_replicas');
await ensureDatabase(databaseUrl);
await applyMigrations(databaseUrl, migrationsDir);
const db = new pg.Pool({ connectionString: databaseUrl, max: 4 });
const receiver = await DeployReceiver.start({ secret: SECRET });
const target = await startExampleService();
const signingSecret = randomBytes(16).toString('hex');
const botToken = 'xoxb-chaos-replicas';
const users = [REQUESTER, DEPLOYER, ONCALL, LEAD, ...Array.from({ length: ROLES }, (_, index) => roleUser(index))];
const standIn = await SlackStandIn.start({
  signingSecret,
  botToken,
  channels: [CHANNEL, INCIDENTS, DIGESTS],
  users: Object.fromEntries(users.map((id) => [id, { name: id.toLowerCase() }])),
});

const health = { id: 'health', name: 'Health', type: 'http', severity: 'critical', url: '{{baseUrl}}/healthz' };
const config = {
  roles: {
    ...Object.fromEntries(Array.from({ length: ROLES }, (_, index) => [`role-${index}`, { users: [roleUser(index)] }])),
    deployers: { users: [DEPLOYER] },
    'on-call': { users: [ONCALL] },
    'tech-lead': { users: [LEAD] },
  },
  incidents: {
    channel: INCIDENTS,
    severities: {
      sev2: { respondWithin: ESCALATE_AFTER_MS, levels: [{ roles: ['on-call'], timeout: ESCALATE_AFTER_MS }, { roles: ['tech-lead'] }], repeat: 0 },
    },
  },
  digests: { daily: { title: 'Replicas digest', channel: DIGESTS, schedule: '* * * * *', services: [approvalService(0)] } },
  services: {
    ...Object.fromEntries(
      Array.from({ length: APPROVAL_SERVICES }, (_, index) => [
        approvalService(index),
        {
          environments: {
            staging: {
              vars: { baseUrl: target.url },
              signoff: { required: Array.from({ length: ROLES }, (_, role) => ({ role: `role-${role}` })), autoRequest: true },
            },
          },
          checks: [health],
        },
      ]),
    ),
    ...Object.fromEntries(
      Array.from({ length: DEPLOYMENTS }, (_, index) => [
        deployService(index),
        {
          environments: {
            prod: {
              vars: { baseUrl: target.url, deployUrl: `${receiver.url}/${deployService(index)}` },
              deploy: { deployerRole: 'deployers', webhookSecret: SECRET },
            },
          },
          checks: [health],
        },
      ]),
    ),
  },
};
const dir = await mkdtemp(join(tmpdir(), 'readiness-chaos-replicas-'));
const configPath = join(dir, 'readiness.yaml');
// JSON is YAML.
await writeFile(configPath, JSON.stringify(config));

const fleet = await startFleet({
  env: fleetEnv({ botToken, slackApiUrl: standIn.apiUrl, databaseUrl, redisUrl: redis.url, queuePrefix: 'replicas', configPath }),
  signingSecret,
  bots: 2,
  workers: 2,
});
const bot = (index: number) => fleet.bots[index % 2] as FleetMember;
const until = (probe: () => Promise<boolean> | boolean, what: string, boundMs = BOUND_MS) => fleet.until(probe, what, boundMs);
const count = async (sql: string, params: unknown[] = []) => Number((await db.query<{ n: string }>(sql, params)).rows[0]?.n ?? 0);

let connectionRetries = 0;
/**
 * A request to a bot that may have just been restarted: a connection that fails (a socket of the killed process
 * kept alive by the client, or the new one not listening yet) is sent again once that bot serves, as a person
 * shown an error would send it again.
 */
async function toBot<R>(index: number, send: (eventsUrl: string) => Promise<R>): Promise<R> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await send(bot(index).eventsUrl);
    } catch (error) {
      if (attempt >= 5) throw error;
      connectionRetries++;
      await until(() => fleet.serving(bot(index)), `bot ${index % 2} serving again`);
    }
  }
}

const found = { lost: 0, doubled: 0, stuck: 0, wrongVerdicts: 0, crashes: 0 };
const figures: Record<string, number | string> = {};
const notes: string[] = [];
let deliveries = 0;
const statuses = new Map<number, number>();
const tally = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
const progress = (line: string) => process.stdout.write(`  [${Math.round((Date.now() - started) / 1000)} s] ${line}\n`);

try {
  // Healthy, and both bots listening for Slack.
  const startupMs = await until(async () => (await Promise.all(fleet.all().map(fleet.serving))).every(Boolean), 'every process serving');
  const readyAt = Date.now();
  figures.startupMs = startupMs;
  progress(`2 bots and 2 workers serving after ${startupMs} ms`);

  // The incident first: its escalation timer runs while everything else happens.
  // As a person would: a command refused because the database did not answer in time ("Nothing was started") is
  // sent again. Refusals are counted; they are answers, not lost effects.
  const openIncident = (attempt: number) =>
    standIn.sendSlashCommand(bot(attempt).eventsUrl, {
      text: `incident sev2 Orders are slow ${approvalService(0)}`,
      userId: REQUESTER,
      channelId: INCIDENTS,
    });
  let incidentCommand = await openIncident(0);
  let incidentRefusals = 0;
  while (JSON.stringify(incidentCommand.json ?? incidentCommand.body).includes('temporarily unavailable') && incidentRefusals < 20) {
    incidentRefusals++;
    incidentCommand = await openIncident(incidentRefusals);
  }
  figures.incidentCommandRefusals = incidentRefusals;
  // The same command again (same trigger id) through the other bot, as a Slack retry would arrive.
  const incidentReplay = await standIn.sendSlashCommand(bot(1).eventsUrl, {
    text: `incident sev2 Orders are slow ${approvalService(0)}`,
    userId: REQUESTER,
    channelId: INCIDENTS,
    triggerId: incidentCommand.triggerId,
  });
  figures.incidentReplayStatus = incidentReplay.status;
  progress(
    `incident opened: ${JSON.stringify(incidentCommand.json ?? incidentCommand.body).slice(0, 200)}; replay answered ${incidentReplay.status}`,
  );

  // Assessments whose completion asks ten roles for sign-off (autoRequest), spread across the two bots.
  const assessmentsStarted = Date.now();
  await inBatches(
    Array.from({ length: APPROVAL_SERVICES }, (_, index) => index),
    DELIVERIES_IN_FLIGHT,
    async (index) => {
      const ack = await standIn.sendSlashCommand(bot(index).eventsUrl, {
        text: `run ${approvalService(index)} staging`,
        userId: REQUESTER,
        channelId: CHANNEL,
      });
      tally(ack.status);
    },
  );
  await until(
    async () => (await count(`select count(*) n from signoff_requests where status = 'PENDING' and message_ts is not null`)) === APPROVAL_SERVICES,
    'every sign-off request posted',
  );
  figures.assessmentsToSignoffRequestsMs = Date.now() - assessmentsStarted;
  progress(`${APPROVAL_SERVICES} sign-off requests posted`);

  // The approvals: every role of every request, four deliveries each.
  const requests = (
    await db.query<{ id: string; message_ts: string; service: string }>(`select id, message_ts, service from signoff_requests order by service`)
  ).rows;
  const approvals = requests.flatMap((request) => Array.from({ length: ROLES }, (_, role) => ({ request, role })));
  const clicksStarted = Date.now();
  const killAt = Math.floor(approvals.length / 2);
  let sent = 0;
  const killedBot = fleet.bots[0] as FleetMember;
  const restart = { armed: true, killedAt: 0, killedClick: '', killedTrigger: '', servingAgainMs: 0 };
  /** Deliveries the bot never answered (refused connection, cut off mid-request): Slack shows the person an error. */
  const unanswered: { userId: string; value: string; ts: string; target: number }[] = [];
  /** Approvals of which a delivery was answered 200 by the bot that was then killed, before it died. */
  const ackedByKilled = new Set<string>();
  const approvalKey = (requestId: string, role: number) => `${requestId}/role-${role}`;
  /** One delivery; what the bot answered, or undefined when it never answered. */
  const deliver = async <R extends { status: number }>(
    target: number,
    send: () => Promise<R>,
    person: Omit<(typeof unanswered)[number], 'target'>,
  ) => {
    // Sent before the kill to the bot about to die: a 200 can only have come from that process.
    const toKilled = target % 2 === 0 && restart.killedAt === 0;
    const result = await send().catch(() => undefined);
    tally(result?.status ?? 0);
    if (result?.status !== 200) unanswered.push({ ...person, target });
    else if (toKilled) ackedByKilled.add(person.value);
    return result?.status === 200 ? result : undefined;
  };
  /** SIGKILL the first bot at once, then start it again on the same ports, as an orchestrator would. */
  const killAndRestart = async (clickValue: string) => {
    restart.killedAt = Date.now();
    restart.killedClick = clickValue;
    await fleet.kill(killedBot);
    fleet.restart(killedBot);
    progress(`bot 0 SIGKILLed right after acknowledging ${clickValue}; starting again`);
  };
  await inBatches(approvals, DELIVERIES_IN_FLIGHT, async ({ request, role }) => {
    const value = approvalKey(request.id, role);
    const click = { channel: CHANNEL, ts: request.message_ts, actionId: ids.actions.approve, userId: roleUser(role), value };
    const person = { userId: roleUser(role), value, ts: request.message_ts };
    if (sent++ >= killAt && restart.armed) {
      // Disarmed at once: another click of this batch must not kill the bot as it restarts.
      restart.armed = false;
      // The click the killed bot acknowledged and then died on: one delivery only, so nothing but the inbox
      // replay can record it (the person saw it accepted and does not click again).
      const acked = await deliver(0, () => standIn.clickButton(killedBot.eventsUrl, click), person);
      if (acked) {
        await killAndRestart(value);
        restart.killedTrigger = acked.triggerId;
      } else restart.armed = true;
      deliveries += 1;
      return;
    }
    // Both built from the message as it is now, before either is answered: a double click across the replicas.
    const [first] = await Promise.all([
      deliver(role, () => standIn.clickButton(bot(role).eventsUrl, click), person),
      deliver(role + 1, () => standIn.clickButton(bot(role + 1).eventsUrl, click), person),
    ]);
    // Slack retrying a delivery byte for byte to both bots (only one it made: an unanswered click has no payload).
    if (first)
      await Promise.all(fleet.bots.map((entry, index) => deliver(index, () => replayOne(entry.eventsUrl, signingSecret, first.payload), person)));
    deliveries += first ? 4 : 2;
  });
  // The bot is back: every delivery nobody answered is clicked again, as a person shown an error would (a new
  // click, so a new trigger id), until one is answered.
  if (restart.killedAt > 0) {
    await until(() => fleet.serving(killedBot), 'the killed bot serving again');
    restart.servingAgainMs = Date.now() - restart.killedAt;
    progress(`bot 0 serving again ${restart.servingAgainMs} ms after the kill`);
  }
  // A person who was shown an error looks at the message first: when it no longer offers their button (their
  // approval went through another delivery, or the request is decided), there is nothing to click again.
  let resent = 0;
  let noLongerOffered = 0;
  const unansweredCount = unanswered.length;
  for (const person of unanswered) {
    for (let attempt = 0; attempt < 10; attempt++) {
      const click = { channel: CHANNEL, ts: person.ts, actionId: ids.actions.approve, userId: person.userId, value: person.value };
      const answered = await standIn.clickButton(bot(person.target + attempt).eventsUrl, click).then(
        (result) => result.status,
        (error: unknown) => ((error as Error).message.includes('shows no button') ? 'not offered' : 0),
      );
      if (answered === 'not offered') {
        noLongerOffered++;
        break;
      }
      resent++;
      tally(answered);
      if (answered === 200) break;
    }
  }
  figures.killedAt = restart.killedAt > 0 ? `${Math.round((restart.killedAt - clicksStarted) / 100) / 10} s into the clicks` : 'no kill';
  figures.killedClick = restart.killedClick;
  figures.killedBotServingAgainMs = restart.servingAgainMs;
  figures.deliveriesUnanswered = unansweredCount;
  figures.clicksSentAgain = resent;
  figures.unansweredNoLongerOffered = noLongerOffered;
  figures.clickSeconds = Math.round((Date.now() - clicksStarted) / 100) / 10;
  progress(`${deliveries} approval deliveries sent in ${figures.clickSeconds} s`);
  await until(
    async () => (await count(`select count(*) n from signoff_requests where status = 'APPROVED'`)) === APPROVAL_SERVICES,
    'every request decided',
    SETTLE_MS,
  ).catch((error: unknown) => notes.push((error as Error).message.split('\n')[0] ?? ''));

  // Deployments: assess, plan, then Start clicked on both bots and the click replayed to both.
  for (let index = 0; index < DEPLOYMENTS; index++) {
    const ack = await toBot(index, (url) =>
      standIn.sendSlashCommand(url, { text: `run ${deployService(index)} prod`, userId: DEPLOYER, channelId: CHANNEL }),
    );
    tally(ack.status);
  }
  await until(
    async () =>
      (await count(`select count(*) n from assessments where service like 'shop-%' and status = 'COMPLETED' and message_ts is not null`)) ===
      DEPLOYMENTS,
    'deployment services assessed',
  );
  const planned: string[] = [];
  for (let index = 0; index < DEPLOYMENTS; index++) {
    const ack = await toBot(index + 1, (url) =>
      standIn.sendSlashCommand(url, { text: `deploy ${deployService(index)} prod v7`, userId: DEPLOYER, channelId: CHANNEL }),
    );
    tally(ack.status);
    planned.push(ack.triggerId);
  }
  await until(
    async () => (await count(`select count(*) n from deployments where request_key = any($1) and message_ts is not null`, [planned])) === DEPLOYMENTS,
    'every deployment planned',
  );
  const deployments = (
    await db.query<{ id: string; message_ts: string; service: string }>(
      `select id, message_ts, service from deployments where request_key = any($1)`,
      [planned],
    )
  ).rows;
  await Promise.all(
    deployments.map(async (deployment, index) => {
      const click = { channel: CHANNEL, ts: deployment.message_ts, actionId: ids.actions.deployStart, userId: DEPLOYER };
      const [first, second] = await Promise.all([
        toBot(index, (url) => standIn.clickButton(url, click)),
        toBot(index + 1, (url) => standIn.clickButton(url, click)),
      ]);
      const replayed = await Promise.all([0, 1].map((target) => toBot(target, (url) => replayOne(url, signingSecret, first.payload))));
      for (const status of [first.status, second.status, ...replayed.map((result) => result.status)]) tally(status);
    }),
  );
  const finals = ['SUCCEEDED', 'FAILED', 'ROLLED_BACK', 'ROLLBACK_FAILED'];
  await until(
    async () =>
      (await count(`select count(*) n from deployments where request_key = any($1) and status = any($2)`, [planned, finals])) === DEPLOYMENTS,
    'every deployment finished',
  ).catch((error: unknown) => notes.push((error as Error).message.split('\n')[0] ?? ''));

  // The incident's second level is paged once its first level's timer is due.
  const dmsTo = (user: string) => standIn.messages(`D${user.slice(1)}`);
  await until(() => dmsTo(LEAD).length > 0, 'the escalation to the tech lead').catch((error: unknown) =>
    notes.push((error as Error).message.split('\n')[0] ?? ''),
  );
  // And at least one digest slot after start-up has been posted.
  await until(
    async () => (await count(`select count(*) n from digest_runs where status = 'POSTED' and slot_at >= $1`, [new Date(readyAt - 60_000)])) > 0,
    'a digest posted',
  ).catch((error: unknown) => notes.push((error as Error).message.split('\n')[0] ?? ''));
  // Every outbound effect that is due has been made: nothing left pending in the incident outbox.
  await until(
    async () => (await count(`select count(*) n from incident_notifications where status = 'PENDING'`)) === 0,
    'incident notifications sent',
  ).catch((error: unknown) => notes.push((error as Error).message.split('\n')[0] ?? ''));
  const endedAt = Date.now();

  // ---- Approvals: one row per role, one decision, one announcement per request.
  const roleRows = (
    await db.query<{ request_id: string; role: string; n: string }>(`select request_id, role, count(*) n from signoffs group by request_id, role`)
  ).rows;
  const approvalsRecorded = roleRows.length;
  const approvalsDoubled = roleRows.reduce((sum, row) => sum + Number(row.n) - 1, 0);
  const approvalsLost = approvals.length - approvalsRecorded;
  // What the killed bot acknowledged, and what nobody answered until it was clicked again: each recorded once.
  const recordedTimes = new Map(roleRows.map((row) => [`${row.request_id}/${row.role}`, Number(row.n)]));
  const onceEach = (values: Iterable<string>) => {
    const list = [...new Set(values)];
    return {
      lost: list.filter((value) => (recordedTimes.get(value) ?? 0) === 0).length,
      doubled: list.reduce((sum, value) => sum + Math.max(0, (recordedTimes.get(value) ?? 0) - 1), 0),
      of: list.length,
    };
  };
  figures.ackedByKilledBot = JSON.stringify(onceEach(ackedByKilled));
  figures.unansweredThenClickedAgain = JSON.stringify(onceEach(unanswered.map((person) => person.value)));
  figures.killedClickRecorded = restart.killedClick === '' ? 'no kill' : (recordedTimes.get(restart.killedClick) ?? 0);
  // Requests a worker replayed from the inbox because their bot stopped renewing the lease (the killed one). The
  // bot's own run counts as the first attempt.
  figures.inboxReplayed = (
    await db.query<{ kind: string; status: string; n: string }>(
      `select kind, status, count(*) n from slack_requests where attempts > 1 group by kind, status order by kind, status`,
    )
  ).rows
    .map((row) => `${row.kind} ${row.status}×${row.n}`)
    .join(', ');
  if (process.env.REPLICAS_DEBUG === '1') {
    const rows = await db.query(
      `select key, status, attempts, received_at, finished_at, lease_until from slack_requests where attempts > 1 or status <> 'DONE' or key = $1`,
      [`block_actions:${restart.killedTrigger}`],
    );
    progress(`killed at ${new Date(restart.killedAt).toISOString()}; replayed rows not DONE: ${JSON.stringify(rows.rows)}`);
  }
  // The killed click's own inbox row: replayed (attempts > 0), or finished by the bot before it died.
  const killedRow = (
    await db.query<{ status: string; attempts: number }>(`select status, attempts from slack_requests where key = $1`, [
      `block_actions:${restart.killedTrigger}`,
    ])
  ).rows[0];
  figures.killedClickInboxRow = killedRow ? `${killedRow.status}, ${killedRow.attempts - 1} replay(s)` : 'none';
  const decided = (
    await db.query<{ subject_id: string; n: string }>(
      `select subject_id, count(*) n from audit_events where action = 'signoff.decided' group by subject_id`,
    )
  ).rows;
  const decisionsDoubled = decided.reduce((sum, row) => sum + Math.max(0, Number(row.n) - 1), 0);
  const notApproved = await count(`select count(*) n from signoff_requests where status <> 'APPROVED'`);
  let announcementsDoubled = 0;
  let announcementsLost = 0;
  const threadOf = new Map(
    (await db.query<{ id: string; thread_ts: string | null }>(`select id, thread_ts from signoff_requests`)).rows.map((row) => [
      row.id,
      row.thread_ts,
    ]),
  );
  for (const request of requests) {
    const replies = standIn
      .messages(CHANNEL)
      .filter((message) => message.threadTs === threadOf.get(request.id) && message.ts !== request.message_ts)
      .filter((message) => `${message.text ?? ''}${JSON.stringify(message.blocks ?? [])}`.includes('Decision: GO'));
    if (replies.length === 0) announcementsLost++;
    announcementsDoubled += Math.max(0, replies.length - 1);
  }
  figures.approvals = approvals.length;
  figures.approvalDeliveries = deliveries;
  figures.approvalsRecorded = approvalsRecorded;
  figures.requestsApproved = APPROVAL_SERVICES - notApproved;
  // What people were told instead of their click taking effect: refused because Postgres did not answer the bot in
  // time (the inbox's 1 s bound), or an error. A lost approval here was refused or failed on every delivery.
  const told = standIn.responses.map((response) => JSON.stringify(response.body));
  figures.clicksRefusedDatabaseBusy = told.filter((body) => body.includes('temporarily unavailable')).length;
  figures.clicksAnsweredWithError = told.filter((body) => /went wrong|reference/i.test(body)).length;
  figures.connectionRetries = connectionRetries;
  figures.answers = [...statuses.entries()].map(([status, n]) => `${status}×${n}`).join(' ');

  // ---- Deployments: every task's effect applied exactly once, each deployment started once.
  const expectedTasks = ['prepare', 'deploy', 'verify', 'finalize'];
  let webhookLost = 0;
  let webhookDoubled = 0;
  for (const deployment of deployments) {
    for (const task of expectedTasks) {
      const applied = receiver.calls.filter((call) => call.executed && call.path === `/${deployment.service}/${task}`).length;
      if (applied === 0) webhookLost++;
      webhookDoubled += Math.max(0, applied - 1);
    }
  }
  const startsDoubled = (
    await db.query<{ n: string }>(
      `select count(*) n from audit_events where action = 'deployment.started' and subject_id = any($1) group by subject_id`,
      [deployments.map((deployment) => deployment.id)],
    )
  ).rows.reduce((sum, row) => sum + Math.max(0, Number(row.n) - 1), 0);
  const notSucceeded = await count(`select count(*) n from deployments where request_key = any($1) and status <> 'SUCCEEDED'`, [planned]);
  figures.webhookCalls = receiver.calls.length;
  figures.webhookEffects = receiver.calls.filter((call) => call.executed).length;
  figures.deploymentsSucceeded = DEPLOYMENTS - notSucceeded;

  // ---- The incident: one incident for the command and its replay, each level paged once, escalated once.
  const incidents = await count(`select count(*) n from incidents`);
  const escalated = await count(`select count(*) n from audit_events where action = 'incident.escalated'`);
  const paged = await count(`select count(*) n from audit_events where action = 'incident.paged'`);
  const alerts = standIn.messages(INCIDENTS).filter((message) => message.threadTs === undefined).length;
  figures.incidents = incidents;
  figures.pagesToOnCall = dmsTo(ONCALL).length;
  figures.pagesToLead = dmsTo(LEAD).length;

  // ---- The digest: each slot once, and every slot since start-up (bar the one in progress) posted.
  const runs = (
    await db.query<{ key: string; slot_at: Date; message_ts: string | null }>(
      `select key, slot_at, message_ts from digest_runs where status = 'POSTED'`,
    )
  ).rows;
  const digestMessages = standIn.messages(DIGESTS);
  const slots = new Set(runs.map((run) => run.slot_at.getTime()));
  const minute = 60_000;
  let digestLost = 0;
  // Slots from the first full minute after start-up to the last that has had 20 s to post.
  for (let slot = Math.ceil(readyAt / minute) * minute; slot <= endedAt - 20_000; slot += minute) if (!slots.has(slot)) digestLost++;
  const digestDoubled = Math.max(0, digestMessages.length - slots.size);
  figures.digestSlots = slots.size;
  figures.digestMessages = digestMessages.length;

  found.lost =
    approvalsLost + notApproved + announcementsLost + webhookLost + notSucceeded + (incidents === 0 ? 1 : 0) + Math.max(0, 2 - paged) + digestLost;
  found.doubled =
    approvalsDoubled +
    decisionsDoubled +
    announcementsDoubled +
    webhookDoubled +
    startsDoubled +
    Math.max(0, incidents - 1) +
    Math.max(0, escalated - 1) +
    Math.max(0, paged - 2) +
    Math.max(0, alerts - 1) +
    Math.max(0, dmsTo(ONCALL).length - 1) +
    Math.max(0, dmsTo(LEAD).length - 1) +
    digestDoubled;
  found.stuck = await count(`select count(*) n from assessments where status not in ('COMPLETED', 'FAILED')`);
  figures.breakdown = JSON.stringify({
    approvalsLost,
    notApproved,
    announcementsLost,
    approvalsDoubled,
    decisionsDoubled,
    announcementsDoubled,
    webhookLost,
    webhookDoubled,
    startsDoubled,
    notSucceeded,
    incidents,
    escalated,
    paged,
    alerts,
    digestLost,
    digestDoubled,
  });
} catch (error) {
  const cause = (error as Error & { cause?: unknown }).cause;
  notes.push(`${(error as Error).stack ?? (error as Error).message}${cause ? ` (cause: ${String(cause)})` : ''}`);
  found.stuck += 1;
} finally {
  // Every process's log (the killed one's too), kept for reading after the run.
  figures.logs = await fleet.keepLogs(join(tmpdir(), `readiness-chaos-replicas-${started}`));
  const crashes = fleet.crashReports();
  found.crashes += crashes.length;
  notes.push(...crashes);
  await fleet.killAll();
  await db.end();
  await standIn.close();
  await receiver.close();
  await target.close();
  await redis.destroy();
  await postgres.destroy();
  await rm(dir, { recursive: true, force: true });
}

if (notes.length > 0) figures.notes = notes.join(' | ').slice(0, 4000);
figures.totalSeconds = Math.round((Date.now() - started) / 1000);
await writeScenarioResult({
  scenario: 'replicas',
  did:
    `2 bots + 2 workers (real processes) on one private Postgres and Redis: ${APPROVAL_SERVICES * ROLES} approvals delivered ${APPROVAL_SERVICES * ROLES * 4} times ` +
    `(click, cross-replica double click, signed replay to both), a digest due every minute, a SEV2 escalating, ${DEPLOYMENTS} deployments of 4 webhook tasks started on both bots`,
  found,
  recovery: [],
  figures,
});
