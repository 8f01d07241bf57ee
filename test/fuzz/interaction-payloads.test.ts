import { createHmac, randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SlackStandIn } from '../../tools/slack-stand-in/slack-stand-in.ts';
import { ids } from '../../src/slack/ids.ts';
import { entryProcesses, type EntryProcess } from '../support/processes.ts';
import { closedPortUrl, until } from '../support/test-stack.ts';
import { fuzzParameters, HOSTILE_TOKENS } from './fuzz-runs.ts';

const processes = entryProcesses();
const signingSecret = randomBytes(16).toString('hex');
let standIn: SlackStandIn;
let bot: EntryProcess;
let eventsUrl: string;
let adminUrl: string;

beforeAll(async () => {
  standIn = await SlackStandIn.start({ signingSecret, botToken: 'xoxb-fuzz', channels: ['C0FUZZ'] });
  const dir = await mkdtemp(join(tmpdir(), 'readiness-fuzz-'));
  const configPath = join(dir, 'readiness.yaml');
  await writeFile(
    configPath,
    `services:\n  example-api:\n    environments: { staging: { vars: { baseUrl: "${await closedPortUrl()}" } } }\n    checks:\n      - { id: health, name: Health, type: http, url: "{{baseUrl}}/healthz" }\n`,
  );
  const freePort = async () => new URL(await closedPortUrl()).port;
  const [port, adminPort] = [await freePort(), await freePort()];
  bot = processes.start('bot.ts', {
    SLACK_BOT_TOKEN: 'xoxb-fuzz',
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_API_URL: standIn.apiUrl,
    DATABASE_URL: inject('databaseUrl'),
    REDIS_URL: inject('redisUrl'),
    QUEUE_PREFIX: `rtfuzz${randomBytes(3).toString('hex')}`,
    READINESS_CONFIG: configPath,
    PORT: port,
    ADMIN_PORT: adminPort,
    LOG_LEVEL: 'warn',
  });
  eventsUrl = `http://127.0.0.1:${port}/slack/events`;
  adminUrl = `http://127.0.0.1:${adminPort}`;
  await until(
    () =>
      fetch(`${adminUrl}/healthz`).then(
        (response) => response.ok,
        () => undefined,
      ),
    30_000,
  );
  // The admin listener starts first; the Slack listener is up once a POST gets any answer.
  await until(
    () =>
      fetch(eventsUrl, { method: 'POST' }).then(
        () => true,
        () => undefined,
      ),
    30_000,
  );
}, 60_000);

afterAll(async () => {
  await processes.killAll();
  await standIn?.close();
});

type Delivery = { contentType: string; body: string };

/** What Slack itself would send: a v0 signature over the exact bytes, stamped now, so only the content is wrong. */
function deliver({ contentType, body }: Delivery): Promise<Response> {
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return fetch(eventsUrl, {
    method: 'POST',
    headers: { 'content-type': contentType, 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signature },
    body,
    // A request that is never answered fails the property instead of hanging the run.
    signal: AbortSignal.timeout(15_000),
  });
}

const ACTION_IDS = [...Object.values(ids.actions), ...Object.values(ids.incident).filter((id) => typeof id === 'string'), 'legacy_button', ''];
const CALLBACK_IDS = [...Object.values(ids.views), ids.incident.resolveModal, ids.incident.lowerModal, 'legacy_form', ''];

const hostileText = fc.oneof(fc.constantFrom(...HOSTILE_TOKENS), fc.string({ unit: 'binary', maxLength: 40 }));
/** Values a field might carry: plausible ones, hostile ones, wrong types, and now and then a huge string. */
const fieldValue = (...plausible: unknown[]) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...plausible) },
    { weight: 2, arbitrary: hostileText },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
    { weight: 1, arbitrary: fc.integer({ min: 10_000, max: 300_000 }).map((length) => 'x'.repeat(length)) },
  );

const action = fc.record(
  {
    type: fieldValue('button', 'static_select', 'overflow', 'datepicker'),
    action_id: fieldValue(...ACTION_IDS),
    block_id: fieldValue('b', ids.blocks.deploymentButtons, `${ids.blocks.attestPrefix}health`),
    value: fieldValue('3f2c9a7e-1b4d-4c5e-9f60-123456789abc', '3f2c9a7e-1b4d-4c5e-9f60-123456789abc/health', 'example-api/staging', ''),
    selected_option: fieldValue({ value: 'x' }, null),
    action_ts: fieldValue('1.2'),
  },
  { requiredKeys: [] },
);

const view = fc.record(
  {
    id: fieldValue('V0FUZZ'),
    callback_id: fieldValue(...CALLBACK_IDS),
    private_metadata: fieldValue('', '{"requestId":"3f2c9a7e-1b4d-4c5e-9f60-123456789abc"}', '{"incidentId":"nope"}', 'not json'),
    state: fieldValue({ values: {} }, { values: { [ids.blocks.signoffNoteInput]: { note: { type: 'plain_text_input', value: 'why' } } } }),
    hash: fieldValue('h'),
  },
  { requiredKeys: [] },
);

/** An interaction payload with any of its fields missing, mistyped, unknown, hostile or huge. */
const interactionPayload = fc.record(
  {
    type: fieldValue(
      'block_actions',
      'view_submission',
      'view_closed',
      'shortcut',
      'message_action',
      'block_suggestion',
      'interactive_message',
      'nonsense',
    ),
    user: fieldValue({ id: 'U0FUZZ', username: 'fuzz', team_id: 'T0READY' }, { id: '<!channel>' }, {}),
    team: fieldValue({ id: 'T0READY', domain: 'readiness-demo' }, { id: 'T0OTHER' }, null),
    api_app_id: fieldValue('A0READY'),
    token: fieldValue('standInVerificationToken'),
    channel: fieldValue({ id: 'C0FUZZ', name: 'fuzz' }, { id: 'C0UNKNOWN' }),
    container: fieldValue({ type: 'message', message_ts: '1.1', channel_id: 'C0FUZZ', is_ephemeral: false }),
    message: fieldValue({ ts: '1.1', text: 'x', blocks: [] }),
    actions: fc.oneof(fc.array(action, { maxLength: 3 }), fieldValue([])),
    view: fc.oneof(view, fieldValue(null)),
    callback_id: fieldValue(...CALLBACK_IDS),
    trigger_id: fieldValue('1.2.trigger'),
    response_url: fieldValue(`${'http://127.0.0.1:1'}/response/closed`, 'not a url', 'javascript:alert(1)'),
    extra: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
  },
  { requiredKeys: [] },
);

const form = (fields: Record<string, string>): Delivery => ({
  contentType: 'application/x-www-form-urlencoded',
  body: new URLSearchParams(fields).toString(),
});

/** Slash-command form fields, each possibly missing or replaced by anything. */
const slashCommand = fc
  .record(
    {
      command: fieldValue('/readiness', '/other'),
      text: fc.oneof(fc.constantFrom('run example-api staging', 'incident sev2 down example-api', 'help', 'audit example-api', ''), hostileText),
      team_id: fieldValue('T0READY', 'T0OTHER'),
      channel_id: fieldValue('C0FUZZ', 'C0UNKNOWN', 'D0DIRECT'),
      user_id: fieldValue('U0FUZZ', 'USLACKBOT', 'W0ENTERPRISE'),
      user_name: fieldValue('fuzz'),
      response_url: fieldValue('http://127.0.0.1:1/response/closed', 'not a url'),
      trigger_id: fieldValue('1.2.trigger'),
      api_app_id: fieldValue('A0READY'),
      is_enterprise_install: fieldValue('false', 'true', 'maybe'),
      ssl_check: fieldValue('1'),
    },
    { requiredKeys: [] },
  )
  .map((fields) =>
    form(Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]))),
  );

/** Bodies that are valid JSON but not an object: the shapes that once ended the process (see src/slack/body-guard.ts). */
const notAnObject = fc.constantFrom<Delivery>(
  { contentType: 'application/json', body: 'null' },
  { contentType: 'application/json', body: ' null ' },
  { contentType: 'application/json', body: '[]' },
  { contentType: 'application/json', body: '"url_verification"' },
  { contentType: 'application/json', body: '42' },
  { contentType: 'application/x-www-form-urlencoded', body: 'payload=null' },
  { contentType: 'application/x-www-form-urlencoded', body: 'payload=%5B%5D&payload=null' },
  { contentType: 'application/x-www-form-urlencoded', body: '' },
  { contentType: 'text/plain', body: 'null' },
);

const delivery: fc.Arbitrary<Delivery> = fc.oneof(
  { weight: 1, arbitrary: notAnObject },
  { weight: 6, arbitrary: interactionPayload.map((payload) => form({ payload: JSON.stringify(payload) })) },
  { weight: 1, arbitrary: fc.jsonValue().map((payload) => form({ payload: JSON.stringify(payload) ?? '' })) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }).map((payload) => form({ payload })) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }).map((body) => ({ contentType: 'application/x-www-form-urlencoded', body })) },
  { weight: 4, arbitrary: slashCommand },
  {
    weight: 1,
    arbitrary: fc
      .oneof(
        fc.jsonValue(),
        fc.record({ type: fc.constantFrom('url_verification', 'event_callback', 'app_rate_limited'), challenge: hostileText, event: fc.jsonValue() }),
      )
      .map((body) => ({ contentType: 'application/json', body: JSON.stringify(body) ?? '' })),
  },
);

/**
 * A crash's fingerprints in the process log: Node's report of an uncaught exception or unhandled rejection (a
 * stack frame, its `Node.js v20…` footer). Bolt's own "An unhandled error occurred while Bolt processed an event"
 * is the handled path (it answers 500) and is not one.
 */
const CRASH_SIGNS = /uncaughtException|unhandledRejection|^\s+at |node:internal|^Node\.js v\d/m;

/** How many requests are in flight at once: a request nobody acks is answered only after Bolt's 3 s, so they overlap. */
const CONCURRENCY = 25;
const BATCH = 200;

/** The bot's log without Bolt's "not acknowledged within 3 seconds" lines, which requests nobody answers cause by design. */
const notableLines = (output: string) =>
  output
    .split('\n')
    .filter((line) => !line.includes('not acknowledged within'))
    .slice(-40)
    .join('\n');

/** One line per request for a failure report; the seed replays the full bodies. */
const summary = (request: Delivery) => `${request.contentType} ${request.body.length} bytes: ${request.body.slice(0, 160)}`;

/** How many answers had each status, printed with the result so a long run's figures can be quoted. */
const statuses = new Map<number, number>();

/** What went wrong with one request, or undefined when it got a clean answer. */
async function problemWith(request: Delivery): Promise<string | undefined> {
  if (bot.exitCode !== null) return `the bot process had ended (${bot.exitCode})`;
  try {
    const response = await deliver(request);
    const body = await response.text();
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    // Bolt answers a payload its own routing cannot read (a `user` of null, say) with a bare 500: an answer, not a crash.
    if (/\bat .*\.[jt]s:\d+|Error:/.test(body)) return `HTTP ${response.status} with a stack trace or error: ${body.slice(0, 300)}`;
    return undefined;
  } catch (error) {
    return `no answer: ${String(error)} ${String((error as Error).cause ?? '')}`;
  }
}

/** Sends every request, CONCURRENCY at a time, and lists the ones that did not get a clean answer. */
async function sendAll(requests: readonly Delivery[]): Promise<string[]> {
  const problems: string[] = [];
  let next = 0;
  const sender = async () => {
    while (next < requests.length) {
      const request = requests[next++] as Delivery;
      const problem = await problemWith(request);
      if (problem !== undefined) problems.push(`${problem}\n    for ${summary(request)}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, sender));
  return problems;
}

describe('fuzzed interaction payloads and slash commands, signed, against the running bot', () => {
  it('every request gets an answer without a stack trace and the process stays up', async () => {
    const { numRuns, seed } = fuzzParameters(BATCH, 'FUZZ_HTTP_RUNS');
    const batch = fc
      .array(delivery, { minLength: Math.min(numRuns, BATCH), maxLength: Math.min(numRuns, BATCH) })
      .map((requests) => Object.assign(requests, { [fc.toStringMethod]: () => `${requests.length} requests` }));
    await fc.assert(
      fc.asyncProperty(batch, async (requests) => {
        const problems = await sendAll(requests);
        const output = bot.output();
        expect(problems, `bot log (ack time-outs left out):\n${notableLines(output)}`).toEqual([]);
        expect(output).not.toMatch(CRASH_SIGNS);
      }),
      // Shrinking against one live process would only replay a dead one: the first failure is reported as it was.
      { numRuns: Math.ceil(numRuns / BATCH), seed, endOnFailure: true },
    );
    expect((await fetch(`${adminUrl}/healthz`)).status).toBe(200);
    expect(bot.exitCode).toBeNull();
    console.info(`answers by HTTP status: ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}`);
  }, 900_000);
});
