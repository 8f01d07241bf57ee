import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { ErrorCode, WebClient, type WebAPIPlatformError, type WebAPIRateLimitedError } from '@slack/web-api';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signSlackRequest } from '../../tools/slack-stand-in/slack-signature.ts';
import { SlackStandIn } from '../../tools/slack-stand-in/slack-stand-in.ts';

const SIGNING_SECRET = 'test-signing-secret';
const BOT_TOKEN = 'xoxb-stand-in-test';

let standIn: SlackStandIn;

function client(token = BOT_TOKEN): WebClient {
  return new WebClient(token, {
    slackApiUrl: standIn.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
}

/** Captures a rejected promise's error for property assertions. */
async function failure<E = Error>(promise: Promise<unknown>): Promise<E> {
  try {
    await promise;
  } catch (error) {
    return error as E;
  }
  throw new Error('expected the call to fail');
}

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

beforeEach(async () => {
  standIn = await SlackStandIn.start({
    signingSecret: SIGNING_SECRET,
    botToken: BOT_TOKEN,
    channels: ['C0DEMO', 'C0OTHER'],
    users: { U0ALICE: { name: 'alice', realName: 'Alice Doe' } },
    usergroups: { S0RELEASE: ['U0ALICE'] },
    rateLimits: { 'chat.postEphemeral': 2 },
  });
});

afterEach(async () => {
  await standIn.close();
});

describe('Web API served to the real WebClient', () => {
  it('answers auth.test with the configured identity', async () => {
    const res = await client().auth.test();
    expect(res).toMatchObject({ ok: true, team_id: 'T0READY', user_id: 'U0READYBOT', bot_id: 'B0READY' });
    expect(standIn.callsTo('auth.test')).toHaveLength(1);
  });

  it('stores a posted message and reflects chat.update in it', async () => {
    const web = client();
    const posted = await web.chat.postMessage({ channel: 'C0DEMO', text: 'checking', blocks: [section('*checking*')] });
    expect(posted.ok).toBe(true);
    expect(posted.channel).toBe('C0DEMO');
    expect(posted.ts).toMatch(/^\d{10}\.\d{6}$/);
    const ts = posted.ts as string;

    expect(standIn.message('C0DEMO', ts)).toMatchObject({ text: 'checking', blocks: [section('*checking*')], updates: 0 });

    const updated = await web.chat.update({ channel: 'C0DEMO', ts, text: 'ready', blocks: [section('*ready*')] });
    expect(updated.ok).toBe(true);
    expect(standIn.message('C0DEMO', ts)).toMatchObject({ text: 'ready', blocks: [section('*ready*')], updates: 1 });

    // Omitting blocks keeps them, as in Slack.
    await web.chat.update({ channel: 'C0DEMO', ts, text: 'still ready' });
    expect(standIn.message('C0DEMO', ts)).toMatchObject({ text: 'still ready', blocks: [section('*ready*')], updates: 2 });

    const call = standIn.callsTo('chat.postMessage')[0];
    expect(call?.args.blocks).toEqual([section('*checking*')]);
    expect(call?.args).not.toHaveProperty('token');
  });

  it('deletes a message with chat.delete, after which it is gone and cannot be updated or deleted again', async () => {
    const web = client();
    const kept = await web.chat.postMessage({ channel: 'C0DEMO', text: 'kept' });
    const posted = await web.chat.postMessage({ channel: 'C0DEMO', text: 'duplicate' });
    const ts = posted.ts as string;
    expect(await web.chat.delete({ channel: 'C0DEMO', ts })).toMatchObject({ ok: true, channel: 'C0DEMO', ts });
    expect(standIn.message('C0DEMO', ts)).toBeUndefined();
    expect(standIn.messages('C0DEMO').map((m) => m.ts)).toEqual([kept.ts]);
    expect((await failure<WebAPIPlatformError>(web.chat.update({ channel: 'C0DEMO', ts, text: 'x' }))).data.error).toBe('message_not_found');
    expect((await failure<WebAPIPlatformError>(web.chat.delete({ channel: 'C0DEMO', ts }))).data.error).toBe('message_not_found');
  });

  it('issues unique, increasing ts values and records threads', async () => {
    const web = client();
    const first = await web.chat.postMessage({ channel: 'C0DEMO', text: 'parent' });
    const reply = await web.chat.postMessage({ channel: 'C0DEMO', text: 'reply', thread_ts: first.ts as string });
    expect(Number(reply.ts)).toBeGreaterThan(Number(first.ts));
    expect(standIn.messages('C0DEMO').map((m) => m.text)).toEqual(['parent', 'reply']);
    expect(standIn.message('C0DEMO', reply.ts as string)?.threadTs).toBe(first.ts);
  });

  it('rejects a wrong token with invalid_auth', async () => {
    const error = await failure<WebAPIPlatformError>(client('xoxb-wrong').auth.test());
    expect(error.code).toBe(ErrorCode.PlatformError);
    expect(error.data.error).toBe('invalid_auth');
    expect(standIn.calls[0]).toMatchObject({ method: 'auth.test', status: 200, response: { ok: false, error: 'invalid_auth' } });
  });

  it('rejects unknown channels and missing messages', async () => {
    const web = client();
    const unknown = await failure<WebAPIPlatformError>(web.chat.postMessage({ channel: 'C0NOPE', text: 'x' }));
    expect(unknown.data.error).toBe('channel_not_found');
    const missing = await failure<WebAPIPlatformError>(web.chat.update({ channel: 'C0DEMO', ts: '1.000001', text: 'x' }));
    expect(missing.data.error).toBe('message_not_found');
    expect(standIn.messages()).toEqual([]);
  });

  it('rejects 51 blocks with invalid_blocks and a path per problem', async () => {
    const blocks = Array.from({ length: 51 }, () => ({ type: 'divider' }));
    const error = await failure<WebAPIPlatformError>(client().chat.postMessage({ channel: 'C0DEMO', text: 'x', blocks }));
    expect(error.data.error).toBe('invalid_blocks');
    expect((error.data as unknown as { errors: string[] }).errors).toEqual([expect.stringMatching(/at most 50 blocks.* at blocks$/)]);
    expect(standIn.messages()).toEqual([]);
  });

  it('rejects oversized section text and messages without content', async () => {
    const web = client();
    const long = await failure<WebAPIPlatformError>(web.chat.postMessage({ channel: 'C0DEMO', text: 'x', blocks: [section('y'.repeat(3001))] }));
    expect((long.data as unknown as { errors: string[] }).errors[0]).toMatch(/blocks\[0\]\.text\.text$/);
    const empty = await failure<WebAPIPlatformError>(web.chat.postMessage({ channel: 'C0DEMO', text: '' }));
    expect(empty.data.error).toBe('no_text');
  });

  it('answers 429 with Retry-After past the configured rate, surfacing as a rate-limited error', async () => {
    const web = client();
    await web.chat.postEphemeral({ channel: 'C0DEMO', user: 'U0ALICE', text: 'one' });
    await web.chat.postEphemeral({ channel: 'C0DEMO', user: 'U0ALICE', text: 'two' });
    const error = await failure<WebAPIRateLimitedError>(web.chat.postEphemeral({ channel: 'C0DEMO', user: 'U0ALICE', text: 'three' }));
    expect(error.code).toBe(ErrorCode.RateLimitedError);
    expect(error.retryAfter).toBeGreaterThanOrEqual(59);
    expect(error.retryAfter).toBeLessThanOrEqual(60);
    const last = standIn.calls.at(-1);
    expect(last).toMatchObject({ method: 'chat.postEphemeral', status: 429, response: { ok: false, error: 'ratelimited' } });
    expect(standIn.messages('C0DEMO').map((m) => m.ephemeralFor)).toEqual(['U0ALICE', 'U0ALICE']);
    // Other methods have their own budget.
    await expect(web.chat.postMessage({ channel: 'C0DEMO', text: 'fine' })).resolves.toMatchObject({ ok: true });
  });

  it('failNext injects one failure per call, in order', async () => {
    const web = client();
    standIn.failNext('chat.postMessage', { retryAfterSeconds: 7 });
    standIn.failNext('chat.postMessage', { status: 500 });
    standIn.failNext('chat.postMessage', { error: 'fatal_error' });

    const limited = await failure<WebAPIRateLimitedError>(web.chat.postMessage({ channel: 'C0DEMO', text: 'a' }));
    expect(limited.code).toBe(ErrorCode.RateLimitedError);
    expect(limited.retryAfter).toBe(7);

    const http = await failure<Error & { code: string; statusCode: number }>(web.chat.postMessage({ channel: 'C0DEMO', text: 'b' }));
    expect(http.code).toBe(ErrorCode.HTTPError);
    expect(http.statusCode).toBe(500);

    const platform = await failure<WebAPIPlatformError>(web.chat.postMessage({ channel: 'C0DEMO', text: 'c' }));
    expect(platform.data.error).toBe('fatal_error');

    await expect(web.chat.postMessage({ channel: 'C0DEMO', text: 'd' })).resolves.toMatchObject({ ok: true });
    expect(standIn.callsTo('chat.postMessage').map((c) => c.status)).toEqual([429, 500, 200, 200]);
    expect(standIn.messages().map((m) => m.text)).toEqual(['d']);
  });

  it('serves users, conversations, user groups, permalinks and unknown methods', async () => {
    const web = client();
    await expect(web.users.info({ user: 'U0ALICE' })).resolves.toMatchObject({
      user: { id: 'U0ALICE', name: 'alice', real_name: 'Alice Doe' },
    });
    expect((await failure<WebAPIPlatformError>(web.users.info({ user: 'U0BOB' }))).data.error).toBe('user_not_found');
    await expect(web.conversations.info({ channel: 'C0OTHER' })).resolves.toMatchObject({ channel: { id: 'C0OTHER' } });
    await expect(web.usergroups.users.list({ usergroup: 'S0RELEASE' })).resolves.toMatchObject({ users: ['U0ALICE'] });
    const posted = await web.chat.postMessage({ channel: 'C0DEMO', text: 'link me' });
    const link = await web.chat.getPermalink({ channel: 'C0DEMO', message_ts: posted.ts as string });
    expect(link.permalink).toBe(`https://readiness-demo.slack.com/archives/C0DEMO/p${(posted.ts as string).replace('.', '')}`);
    expect((await failure<WebAPIPlatformError>(web.apiCall('reactions.add', {}))).data.error).toBe('unknown_method');
  });

  it('opens a modal only with a fresh, unused trigger_id and validates the view', async () => {
    const web = client();
    const view = { type: 'modal' as const, title: { type: 'plain_text' as const, text: 'Approve' }, blocks: [] };
    const { triggerId } = await standIn.sendSlashCommand(await echoUrl(), { text: 'check api' });
    const opened = await web.views.open({ trigger_id: triggerId, view });
    expect(opened.view?.id).toBeDefined();
    expect(standIn.view(opened.view?.id as string)?.type).toBe('modal');

    const reused = await failure<WebAPIPlatformError>(web.views.open({ trigger_id: triggerId, view }));
    expect(reused.data.error).toBe('exchanged_trigger_id');

    const second = await standIn.sendSlashCommand(await echoUrl(), { text: 'again' });
    const badTitle = { ...view, title: { type: 'plain_text' as const, text: 'x'.repeat(25) } };
    const invalid = await failure<WebAPIPlatformError>(web.views.open({ trigger_id: second.triggerId, view: badTitle }));
    expect(invalid.data.error).toBe('invalid_arguments');

    await web.views.publish({ user_id: 'U0ALICE', view: { type: 'home', blocks: [section('hi')] } as never });
    expect(standIn.homeView('U0ALICE')?.view.blocks).toEqual([section('hi')]);
  });
});

// A stand-in for the app: verifies Slack's signature the way Bolt does and echoes what it got.
let echoServer: Server | undefined;
let echoAddress: string | undefined;

async function echoUrl(): Promise<string> {
  if (echoAddress !== undefined) return echoAddress;
  echoServer = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const timestamp = Number(req.headers['x-slack-request-timestamp']);
      const given = String(req.headers['x-slack-signature'] ?? '');
      const expected = signSlackRequest(SIGNING_SECRET, timestamp, raw);
      const fresh = Math.abs(Date.now() / 1000 - timestamp) <= 300;
      const valid = given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
      if (!valid || !fresh) {
        res.writeHead(401, { 'content-type': 'text/plain' }).end(valid ? 'stale' : 'bad signature');
        return;
      }
      const fields = Object.fromEntries(new URLSearchParams(raw));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ contentType: req.headers['content-type'], fields }));
    });
  });
  await new Promise<void>((resolve) => echoServer?.listen(0, '127.0.0.1', resolve));
  echoAddress = `http://127.0.0.1:${(echoServer.address() as AddressInfo).port}/slack/events`;
  return echoAddress;
}

afterAll(async () => {
  await new Promise<void>((resolve) => (echoServer ? echoServer.close(() => resolve()) : resolve()));
});

describe('requests sent to the app', () => {
  beforeAll(async () => {
    await echoUrl();
  });

  it('sends a correctly signed slash command with the fields Slack sends', async () => {
    const result = await standIn.sendSlashCommand(await echoUrl(), { text: 'check payments-api', userId: 'U0ALICE' });
    expect(result.status).toBe(200);
    expect(result.latencyMs).toBeGreaterThan(0);
    const { contentType, fields } = result.json as { contentType: string; fields: Record<string, string> };
    expect(contentType).toBe('application/x-www-form-urlencoded');
    expect(Object.keys(fields)).toEqual([
      'token',
      'team_id',
      'team_domain',
      'channel_id',
      'channel_name',
      'user_id',
      'user_name',
      'command',
      'text',
      'api_app_id',
      'is_enterprise_install',
      'response_url',
      'trigger_id',
    ]);
    expect(fields).toMatchObject({
      team_id: 'T0READY',
      channel_id: 'C0DEMO',
      user_id: 'U0ALICE',
      user_name: 'alice',
      command: '/readiness',
      text: 'check payments-api',
      is_enterprise_install: 'false',
      response_url: result.responseUrl,
      trigger_id: result.triggerId,
    });
    expect(result.responseUrl.startsWith(`${standIn.baseUrl}/response/`)).toBe(true);
  });

  it('lets tests tamper with the signature and timestamp', async () => {
    const url = await echoUrl();
    expect((await standIn.sendSlashCommand(url, { text: 'x' }, { signature: 'v0=deadbeef' })).status).toBe(401);
    expect((await standIn.sendSlashCommand(url, { text: 'x' }, { signature: null })).status).toBe(401);
    const stale = await standIn.sendSlashCommand(url, { text: 'x' }, { timestamp: Math.floor(Date.now() / 1000) - 600 });
    expect(stale).toMatchObject({ status: 401, body: 'stale' });
  });

  it('sends interactions as a signed payload form field with response_url and trigger_id added', async () => {
    const result = await standIn.sendInteraction(await echoUrl(), {
      type: 'block_actions',
      actions: [{ action_id: 'approve', value: 'payments-api' }],
    });
    expect(result.status).toBe(200);
    const { fields } = JSON.parse(result.body) as { fields: Record<string, string> };
    expect(Object.keys(fields)).toEqual(['payload']);
    const payload = JSON.parse(fields.payload ?? '{}') as Record<string, unknown>;
    expect(payload).toMatchObject({
      type: 'block_actions',
      actions: [{ action_id: 'approve', value: 'payments-api' }],
      response_url: result.responseUrl,
      trigger_id: result.triggerId,
    });
  });
});

describe('response_url', () => {
  async function postTo(url: string, body: unknown): Promise<{ status: number; json: unknown }> {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, json: await res.json() };
  }

  it('records posts and allows at most 5 uses', async () => {
    const { responseUrl } = await standIn.sendSlashCommand(await echoUrl(), { text: 'check' });
    const waiting = standIn.waitFor(() => standIn.responses.find((r) => r.body.text === 'update 3'));
    for (let i = 1; i <= 5; i += 1) {
      expect(await postTo(responseUrl, { text: `update ${i}`, response_type: 'ephemeral' })).toEqual({
        status: 200,
        json: { ok: true },
      });
    }
    await expect(waiting).resolves.toMatchObject({ url: responseUrl, status: 200 });

    const sixth = await postTo(responseUrl, { text: 'update 6' });
    expect(sixth).toEqual({ status: 404, json: { ok: false, error: 'used_url' } });
    expect(standIn.responses.map((r) => [r.body.text, r.status])).toEqual([
      ['update 1', 200],
      ['update 2', 200],
      ['update 3', 200],
      ['update 4', 200],
      ['update 5', 200],
      ['update 6', 404],
    ]);
  });

  it('validates blocks posted to it without using up the URL', async () => {
    const { responseUrl } = await standIn.sendSlashCommand(await echoUrl(), { text: 'check' });
    const bad = await postTo(responseUrl, { blocks: [{ type: 'header', text: { type: 'mrkdwn', text: 'h' } }] });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ ok: false, error: 'invalid_blocks' });
    for (let i = 0; i < 5; i += 1) expect((await postTo(responseUrl, { text: 'ok' })).status).toBe(200);
  });

  it('rejects URLs it never issued', async () => {
    expect((await postTo(`${standIn.baseUrl}/response/unknown`, { text: 'x' })).status).toBe(404);
  });
});

describe('waitFor', () => {
  it('resolves on the call that satisfies the predicate', async () => {
    const waiting = standIn.waitFor(() => standIn.messages('C0OTHER')[0]);
    await client().chat.postMessage({ channel: 'C0OTHER', text: 'hello' });
    await expect(waiting).resolves.toMatchObject({ channel: 'C0OTHER', text: 'hello' });
  });

  it('rejects with the recent calls when it times out', async () => {
    await client().auth.test();
    const error = await failure(standIn.waitFor(() => standIn.messages()[0], 100));
    expect(error.message).toMatch(/timed out after 100 ms/);
    expect(error.message).toMatch(/auth\.test -> 200 ok/);
  });
});
