import { createHmac } from 'node:crypto';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HTTPReceiver } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refuseNonObjectBodies } from '../../../src/slack/body-guard.ts';
import { createAckGate } from '../../../src/shared/ack-gate.ts';

/** Stands in for Bolt's listener: answers 200 with the body it was handed as rawBody, as Bolt would read it. */
const seen: string[] = [];
function boltStandIn(req: IncomingMessage, res: ServerResponse) {
  const rawBody = (req as IncomingMessage & { rawBody?: Buffer }).rawBody;
  seen.push(rawBody?.toString() ?? '(stream)');
  res.writeHead(200);
  res.end();
}

let server: Server;
let base: string;
beforeAll(async () => {
  const receiver = refuseNonObjectBodies({ requestListener: boltStandIn } as unknown as HTTPReceiver);
  server = createServer((req, res) => receiver.requestListener(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const post = (body: string, contentType: string, path = '/slack/events') =>
  fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body });

describe('refuseNonObjectBodies', () => {
  it.each([
    ['null', 'application/json'],
    ['[1]', 'application/json'],
    ['"text"', 'application/json'],
    ['payload=null', 'application/x-www-form-urlencoded'],
    ['not json', 'application/json'],
  ])('answers 400 to %s (%s) without handing it to Bolt', async (body, contentType) => {
    seen.length = 0;
    expect((await post(body, contentType)).status).toBe(400);
    expect(seen).toEqual([]);
  });

  it.each([
    ['{"type":"event_callback"}', 'application/json'],
    ['payload=%7B%22type%22%3A%22block_actions%22%7D', 'application/x-www-form-urlencoded'],
    ['command=%2Freadiness&text=help', 'application/x-www-form-urlencoded'],
    ['{not json', 'application/json'],
  ])('hands %s (%s) to Bolt with the body it read', async (body, contentType) => {
    seen.length = 0;
    expect((await post(body, contentType)).status).toBe(200);
    expect(seen).toEqual([body]);
  });

  it("answers 413 past Bolt's 4 MB limit without handing anything to Bolt, and closes the connection", async () => {
    seen.length = 0;
    const response = await post(`{"pad":"${'x'.repeat(4 * 1024 * 1024 + 10)}"}`, 'application/json');
    expect(response.status).toBe(413);
    expect(response.headers.get('connection')).toBe('close');
    expect(seen).toEqual([]);
  });

  it('leaves other paths to Bolt, stream unread', async () => {
    seen.length = 0;
    expect((await post('null', 'application/json', '/elsewhere')).status).toBe(200);
    expect(seen).toEqual(['(stream)']);
  });
});

describe('refuseNonObjectBodies with an ack gate', () => {
  it('counts a Slack request as waiting from its arrival until its answer is sent, refused or not', async () => {
    const gate = createAckGate();
    let answer: (() => void) | undefined;
    const pendingWhileHandled: number[] = [];
    const receiver = refuseNonObjectBodies(
      {
        requestListener: (_req: IncomingMessage, res: ServerResponse) => {
          pendingWhileHandled.push(gate.pending);
          answer = () => res.writeHead(200).end();
        },
      } as unknown as HTTPReceiver,
      gate,
    );
    const gated = createServer((req, res) => receiver.requestListener(req, res));
    await new Promise<void>((resolve) => gated.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(gated.address() as AddressInfo).port}/slack/events`;
    try {
      const response = fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"x"}' });
      const quiet = gate.quiet(60_000);
      await until(() => answer !== undefined);
      expect(pendingWhileHandled).toEqual([1]);
      answer?.();
      expect((await response).status).toBe(200);
      await quiet;
      expect(gate.pending).toBe(0);
      // A refused body is answered by the guard itself, never counted as owed an ack.
      expect((await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'null' })).status).toBe(400);
      expect(gate.pending).toBe(0);
    } finally {
      await new Promise<void>((resolve) => gated.close(() => resolve()));
    }
  });
});

describe('refuseNonObjectBodies: what the ack gate counts', () => {
  const secret = 'test-signing-secret';
  const gate = createAckGate();
  const handed: { signed: boolean; pending: number }[] = [];
  let gated: Server;
  let port: number;
  let arrived = 0;
  beforeAll(async () => {
    const receiver = refuseNonObjectBodies(
      {
        requestListener: (req: IncomingMessage, res: ServerResponse) => {
          handed.push({ signed: req.headers['x-slack-signature'] !== undefined, pending: gate.pending });
          res.writeHead(200).end();
        },
      } as unknown as HTTPReceiver,
      gate,
      secret,
    );
    gated = createServer((req, res) => {
      arrived += 1;
      receiver.requestListener(req, res);
    });
    await new Promise<void>((resolve) => gated.listen(0, '127.0.0.1', resolve));
    port = (gated.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => gated.close(() => resolve())));

  it('a slow upload is not counted while its body is still arriving', async () => {
    const body = '{"type":"event_callback","pad":"xxxxxxxx"}';
    const req = request({
      port,
      host: '127.0.0.1',
      method: 'POST',
      path: '/slack/events',
      headers: { 'content-type': 'application/json', 'content-length': body.length },
    });
    const answered = new Promise<number>((resolve, reject) => {
      req.on('response', (response) => resolve(response.statusCode ?? 0));
      req.on('error', reject);
    });
    req.flushHeaders();
    req.write(body.slice(0, 10));
    // The server has the headers and part of the body: the request is open, and owed nothing yet.
    await until(() => arrived === 1);
    expect(gate.pending).toBe(0);
    req.end(body.slice(10));
    expect(await answered).toBe(200);
    expect(gate.pending).toBe(0);
  });

  it('counts a signed request once its body is read, and not an unsigned one (Bolt refuses that itself)', async () => {
    handed.length = 0;
    const body = '{"type":"event_callback"}';
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
    const url = `http://127.0.0.1:${port}/slack/events`;
    const signedHeaders = { 'content-type': 'application/json', 'x-slack-signature': signature, 'x-slack-request-timestamp': String(timestamp) };
    expect((await fetch(url, { method: 'POST', headers: signedHeaders, body })).status).toBe(200);
    const forged = { ...signedHeaders, 'x-slack-signature': 'v0=00' };
    expect((await fetch(url, { method: 'POST', headers: forged, body })).status).toBe(200);
    expect((await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).status).toBe(200);
    expect(handed).toEqual([
      { signed: true, pending: 1 },
      { signed: true, pending: 0 },
      { signed: false, pending: 0 },
    ]);
    await until(() => gate.pending === 0);
  });
});

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met within 20 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
