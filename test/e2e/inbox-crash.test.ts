import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startExampleService, type ExampleService } from '../../tools/demo/example-service.ts';
import { SlackStandIn, type InteractionResult, type SlashCommandResult } from '../../tools/slack-stand-in/slack-stand-in.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { ids } from '../../src/slack/ids.ts';
import { createDb, type Db } from '../../src/store/prisma.ts';
import { entryProcesses, exited, type EntryProcess } from '../support/processes.ts';
import { closedPortUrl, until } from '../support/test-stack.ts';

/**
 * `npm start` and `npm run worker` as real processes: a bot that is killed (-9) or stopped (SIGTERM) right after
 * acking a burst of commands and clicks loses none of them, and does none of them twice.
 */

const CHANNEL = 'C0INBOX';
const INCIDENTS = 'C0INC';
const REQUESTER = 'U0REQ';
const LEAD = 'U0LEAD';
const SEC = 'U0SEC';
const BIZ = 'U0BIZ';
const RELEASE_MANAGER = 'U0RM';
const ON_CALL = 'U0ONCALL';
const LEASE_MS = 3000;

const processes = entryProcesses();
let standIn: SlackStandIn;
let target: ExampleService;
let db: Db;
let env: Record<string, string>;
const prefix = `rtinbox${randomBytes(3).toString('hex')}`;
let eventsUrl = '';
let botAdminUrl = '';
let bot: EntryProcess;

async function startBotProcess(): Promise<EntryProcess> {
  const adminPort = Number(new URL(botAdminUrl).port);
  const started = processes.start('bot.ts', { ...env, ADMIN_PORT: String(adminPort) });
  // Ready means its dependencies answer and Slack's endpoint is listening.
  await until(
    () =>
      fetch(`${botAdminUrl}/readyz`).then(
        (r) => r.ok,
        () => false,
      ),
    30_000,
  );
  return started;
}

beforeAll(async () => {
  const signingSecret = randomBytes(16).toString('hex');
  const users = [REQUESTER, LEAD, SEC, BIZ, RELEASE_MANAGER, ON_CALL];
  standIn = await SlackStandIn.start({
    signingSecret,
    botToken: 'xoxb-inbox-test',
    channels: [CHANNEL, INCIDENTS],
    users: Object.fromEntries(users.map((id) => [id, { name: id.toLowerCase() }])),
  });
  target = await startExampleService();
  db = createDb(inject('databaseUrl'), silentLogger);
  const vars = { baseUrl: target.url };
  const config = {
    roles: {
      'tech-lead': { users: [LEAD] },
      security: { users: [SEC] },
      'business-owner': { users: [BIZ] },
      'release-manager': { users: [RELEASE_MANAGER] },
      'on-call': { users: [ON_CALL] },
    },
    // The on-call person commands incidents: they may acknowledge and resolve any of them (incidents.permissions).
    incidents: { channel: INCIDENTS, permissions: { commanderRole: 'on-call' } },
    services: {
      api: {
        environments: {
          // A plan is only planned here, never started: the deploy URL is never called.
          staging: { vars: { ...vars, deployUrl: 'http://127.0.0.1:9/deploy' } },
          production: {
            vars,
            signoff: { required: [{ role: 'tech-lead' }, { role: 'security' }, { role: 'business-owner' }], overrideRole: 'release-manager' },
          },
          canary: { vars, signoff: { required: [{ role: 'tech-lead' }], overrideRole: 'release-manager' } },
        },
        checks: [{ id: 'health', name: 'Health', type: 'http', severity: 'critical', url: '{{baseUrl}}/healthz' }],
      },
    },
  };
  const dir = await mkdtemp(join(tmpdir(), 'readiness-inbox-'));
  const configPath = join(dir, 'readiness.yaml');
  // JSON is YAML.
  await writeFile(configPath, JSON.stringify(config));
  const port = Number(new URL(await closedPortUrl()).port);
  eventsUrl = `http://127.0.0.1:${port}/slack/events`;
  botAdminUrl = await closedPortUrl();
  env = {
    SLACK_BOT_TOKEN: 'xoxb-inbox-test',
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_API_URL: standIn.apiUrl,
    DATABASE_URL: inject('databaseUrl'),
    REDIS_URL: inject('redisUrl'),
    QUEUE_PREFIX: prefix,
    READINESS_CONFIG: configPath,
    PORT: String(port),
    LOG_LEVEL: 'warn',
    INBOX_LEASE_MS: String(LEASE_MS),
  };
  processes.start('worker.ts', env);
  bot = await startBotProcess();
}, 60_000);

afterAll(async () => {
  await processes.killAll();
  await standIn?.close();
  await target?.close();
  await db?.$disconnect();
});

const command = (text: string, userId = REQUESTER, triggerId?: string) =>
  standIn.sendSlashCommand(eventsUrl, { text, userId, channelId: CHANNEL, ...(triggerId ? { triggerId } : {}) });

async function completedAssessment(environment: string) {
  const ack = await command(`run api ${environment}`);
  return until(async () => {
    const row = await db.assessment.findUnique({ where: { requestKey: ack.triggerId } });
    return row?.status === 'COMPLETED' && row.messageTs ? row : undefined;
  }, 60_000);
}

async function openIncident(title: string) {
  const ack = await command(`incident sev4 ${title}`);
  const incident = await until(() => db.incident.findUnique({ where: { requestKey: ack.triggerId } }), 30_000);
  const alert = await standIn.waitFor(
    () => standIn.messages(INCIDENTS).find((message) => message.threadTs === undefined && message.text?.includes(`INC-${incident.number}:`)),
    30_000,
  );
  return { incident, alert };
}

const pendingRequests = () => db.slackRequest.findMany({ where: { scope: prefix, status: 'PENDING' } });

describe('a bot killed with SIGKILL 50 ms after acking a burst of 50 commands and clicks', () => {
  it('loses nothing and repeats nothing: after a restart every effect exists exactly once', async () => {
    // What the burst acts on: a GO to deploy, a sign-off request to approve, an assessment to override, alerts to acknowledge.
    await completedAssessment('staging');
    const production = await completedAssessment('production');
    await standIn.waitFor(
      () => JSON.stringify(standIn.message(CHANNEL, production.messageTs ?? '')?.blocks ?? []).includes(ids.actions.requestSignoff),
      20_000,
    );
    await standIn.clickButton(eventsUrl, {
      channel: CHANNEL,
      ts: production.messageTs ?? '',
      actionId: ids.actions.requestSignoff,
      userId: REQUESTER,
    });
    const signoffRequest = await until(async () => {
      const row = await db.signoffRequest.findUnique({ where: { assessmentId: production.id } });
      return row?.messageTs ? row : undefined;
    }, 30_000);
    const canary = await completedAssessment('canary');
    const toAcknowledge = [];
    for (let i = 0; i < 10; i += 1) toAcknowledge.push(await openIncident(`Prepared incident ${i}`));
    const toResolve = await openIncident('Prepared incident to resolve');
    await standIn.clickButton(eventsUrl, { channel: INCIDENTS, ts: toResolve.alert.ts, actionId: ids.incident.resolve, userId: ON_CALL });
    const resolveModal = await standIn.waitFor(
      () => standIn.openedViews().find((view) => view.view.private_metadata === toResolve.incident.id),
      20_000,
    );

    // The burst: 27 incidents opened, 8 deployments planned, 10 incidents acknowledged, 3 sign-offs, 1 override,
    // 1 incident resolved through its modal.
    const incidentTitles = Array.from({ length: 27 }, (_, i) => `Burst incident ${i}`);
    const sends: (() => Promise<SlashCommandResult | InteractionResult>)[] = [
      ...incidentTitles.map((title) => () => command(`incident sev4 ${title}`)),
      ...Array.from({ length: 8 }, () => () => command('deploy api staging')),
      ...toAcknowledge.map(
        ({ alert }) =>
          () =>
            standIn.clickButton(eventsUrl, { channel: INCIDENTS, ts: alert.ts, actionId: ids.incident.acknowledge, userId: ON_CALL }),
      ),
      ...(
        [
          [LEAD, 'tech-lead'],
          [SEC, 'security'],
          [BIZ, 'business-owner'],
        ] as const
      ).map(
        ([userId, role]) =>
          () =>
            standIn.clickButton(eventsUrl, {
              channel: CHANNEL,
              ts: signoffRequest.messageTs ?? '',
              actionId: ids.actions.approve,
              userId,
              value: `${signoffRequest.id}/${role}`,
            }),
      ),
      () => command(`override ${canary.id.slice(0, 8)} Hotfix for incident 42 must ship tonight`, RELEASE_MANAGER),
      () =>
        standIn.submitView(eventsUrl, {
          viewId: resolveModal.id,
          userId: ON_CALL,
          values: { [ids.incident.summaryInput]: 'Restarted the search indexer' },
        }),
    ];
    expect(sends).toHaveLength(50);
    const acks = await Promise.all(sends.map((send) => send()));
    const killed = new Promise<void>((resolve) =>
      setTimeout(() => {
        bot.kill('SIGKILL');
        resolve();
      }, 50),
    );
    for (const ack of acks) {
      expect(ack.status).toBe(200);
      expect(ack.latencyMs).toBeLessThan(3000);
    }
    await killed;
    expect(await exited(bot)).toBe('SIGKILL');

    // The bot died with work it had acked but not done: it is in the inbox, without Slack's verification token.
    const unfinished = await pendingRequests();
    expect(unfinished.length).toBeGreaterThan(0);
    for (const request of unfinished) expect(JSON.stringify(request.body)).not.toContain('standInVerificationToken');

    bot = await startBotProcess();
    await until(async () => (await pendingRequests()).length === 0, 90_000);

    const commandKeys = acks.slice(0, 35).map((ack) => ack.triggerId);
    // Every incident opened once, and alerted.
    const incidents = await db.incident.findMany({ where: { requestKey: { in: commandKeys.slice(0, 27) } } });
    expect(incidents.map((incident) => incident.title).sort()).toEqual([...incidentTitles].sort());
    const alertsOf = (number: number) =>
      standIn.messages(INCIDENTS).filter((message) => message.threadTs === undefined && message.text?.includes(`INC-${number}:`));
    for (const incident of incidents) {
      expect(await db.auditEvent.count({ where: { subjectId: incident.id, action: 'incident.opened' } })).toBe(1);
      // An alert the dead bot had claimed is re-queued by the workers' incident sweep (every minute) once its claim lapses.
      await standIn.waitFor(() => alertsOf(incident.number).length > 0, 150_000);
    }
    // An alert whose chat.postMessage the kill cut off between Slack's answer and the commit is posted again by
    // the worker: a window of the incident deliveries themselves (at most the two posts the bot had in flight),
    // not of the inbox, which never opens an incident twice.
    const repeatedAlerts = incidents.reduce((sum, incident) => sum + alertsOf(incident.number).length - 1, 0);
    expect(repeatedAlerts).toBeLessThanOrEqual(2);
    // Every deployment planned once, its plan posted once.
    const deployments = await db.deployment.findMany({ where: { requestKey: { in: commandKeys.slice(27, 35) } } });
    expect(deployments).toHaveLength(8);
    for (const deployment of deployments) {
      expect(deployment.status).toBe('PLANNED');
      expect(await db.auditEvent.count({ where: { subjectId: deployment.id, action: 'deployment.planned' } })).toBe(1);
    }
    await until(
      async () => (await db.deployment.count({ where: { id: { in: deployments.map((d) => d.id) }, messageTs: { not: null } } })) === 8,
      30_000,
    );
    // Every acknowledgement recorded once.
    for (const { incident } of toAcknowledge) {
      const row = await db.incident.findUniqueOrThrow({ where: { id: incident.id } });
      expect(row.status).toBe('ACKNOWLEDGED');
      expect(await db.auditEvent.count({ where: { subjectId: incident.id, action: 'incident.acknowledged' } })).toBe(1);
    }
    // The three sign-offs, once each, and one decision.
    expect(await db.signoff.count({ where: { requestId: signoffRequest.id } })).toBe(3);
    expect(await db.signoffRequest.findUniqueOrThrow({ where: { id: signoffRequest.id } })).toMatchObject({ status: 'APPROVED', decision: 'GO' });
    expect(await db.auditEvent.count({ where: { subjectId: signoffRequest.id, action: 'signoff.decided' } })).toBe(1);
    // The override, once.
    const overridden = await db.signoffRequest.findUniqueOrThrow({ where: { assessmentId: canary.id } });
    expect(overridden).toMatchObject({ status: 'OVERRIDDEN', overriddenBy: RELEASE_MANAGER });
    expect(await db.auditEvent.count({ where: { subjectId: overridden.id, action: 'signoff.overridden' } })).toBe(1);

    // The modal submission: resolved once, with its summary.
    expect(await db.incident.findUniqueOrThrow({ where: { id: toResolve.incident.id } })).toMatchObject({ status: 'RESOLVED', resolvedBy: ON_CALL });
    expect(await db.auditEvent.count({ where: { subjectId: toResolve.incident.id, action: 'incident.resolved' } })).toBe(1);

    // Finished requests keep neither the payload nor the response URL.
    const finished = await db.slackRequest.findMany({ where: { scope: prefix } });
    expect(finished.length).toBeGreaterThanOrEqual(50);
    for (const request of finished) expect(request).toMatchObject({ status: 'DONE', body: null, responseUrl: null });
    expect(finished.some((request) => request.attempts > 1)).toBe(true);
  }, 420_000);

  it('a request delivered twice at once has one effect: one incident, one alert', async () => {
    const triggerId = `redelivered.${randomBytes(4).toString('hex')}`;
    const [first, second] = await Promise.all([
      command('incident sev4 Delivered twice', REQUESTER, triggerId),
      command('incident sev4 Delivered twice', REQUESTER, triggerId),
    ]);
    expect([first.status, second.status]).toEqual([200, 200]);
    const incident = await until(() => db.incident.findUnique({ where: { requestKey: triggerId } }), 30_000);
    await until(async () => (await db.slackRequest.findUnique({ where: { key: `command:${triggerId}` } }))?.status === 'DONE', 30_000);
    expect(await db.incident.count({ where: { title: 'Delivered twice' } })).toBe(1);
    const alerts = await standIn.waitFor(() => {
      const posted = standIn
        .messages(INCIDENTS)
        .filter((message) => message.threadTs === undefined && message.text?.includes(`INC-${incident.number}:`));
      return posted.length > 0 ? posted : undefined;
    });
    expect(alerts).toHaveLength(1);
  }, 60_000);
});

describe('a bot stopped with SIGTERM right after acking a burst', () => {
  it('finishes what it acked before exiting: every incident opened, none left to replay', async () => {
    const titles = Array.from({ length: 20 }, (_, i) => `Drained incident ${i}`);
    const acks = await Promise.all(titles.map((title) => command(`incident sev4 ${title}`)));
    bot.kill('SIGTERM');
    expect(acks.every((ack) => ack.status === 200)).toBe(true);
    expect(await exited(bot)).toBe(0);

    const incidents = await db.incident.findMany({ where: { requestKey: { in: acks.map((ack) => ack.triggerId) } } });
    expect(incidents.map((incident) => incident.title).sort()).toEqual([...titles].sort());
    // Done by the bot itself before it exited: no request waits for a replay, and none needed one.
    const requests = await db.slackRequest.findMany({ where: { key: { in: acks.map((ack) => `command:${ack.triggerId}`) } } });
    expect(requests.map((request) => [request.status, request.attempts])).toEqual(titles.map(() => ['DONE', 1]));
  }, 60_000);
});
