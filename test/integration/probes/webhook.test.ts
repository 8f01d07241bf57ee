import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCheck } from '../../../src/probes/run-check.ts';
import { WebhookCheckSpec } from '../../../src/checks/specs/webhook.ts';
import { closedPortUrl } from '../../support/test-stack.ts';

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

let server: Server;
let base: string;
const received: Received[] = [];

/** A team's check endpoint: each path answers one way. */
beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: text ? JSON.parse(text) : undefined });
      const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      switch (req.url) {
        case '/pass':
          return json(200, { status: 'pass', message: 'backups are 2 h old, under the 24 h limit', evidence: { ageHours: 2 } });
        case '/warn':
          return json(200, { status: 'warn', message: 'feature flags: 3 stale' });
        case '/fail':
          return json(200, { status: 'fail', message: 'x'.repeat(2000), evidence: { stale: 40 } });
        case '/wrong-shape':
          return json(200, { status: 'ok', msg: 'fine' });
        case '/html':
          return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Welcome to nginx!</body></html>');
        case '/huge':
          return json(200, { status: 'pass', message: 'big', evidence: { blob: 'x'.repeat(300 * 1024) } });
        case '/boom':
          return void res.writeHead(500, { 'content-type': 'text/plain' }).end('database on fire');
        case '/moved':
          return void res.writeHead(302, { location: '/pass' }).end();
        case '/hang':
          return; // never answers
        default:
          return void res.writeHead(404).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
beforeEach(() => {
  received.length = 0;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const spec = (fields: Record<string, unknown>) =>
  WebhookCheckSpec.parse({ id: 'backups', name: 'Backups are fresh', type: 'webhook', category: 'operations', severity: 'critical', ...fields });

describe('the webhook check', () => {
  it('POSTs the check as JSON with the configured headers and takes the verdict from the answer', async () => {
    const outcome = await runCheck(spec({ url: `${base}/pass`, headers: { Authorization: 'Bearer t0ken', 'X-Team': 'payments' } }));
    expect(outcome).toMatchObject({ status: 'PASS', message: 'backups are 2 h old, under the 24 h limit', evidence: { ageHours: 2 } });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer t0ken', 'x-team': 'payments' },
      body: { check: { id: 'backups', name: 'Backups are fresh', category: 'operations', severity: 'critical' } },
    });
    expect(JSON.stringify(outcome)).not.toContain('t0ken');
  });

  it('sends the check context: service, environment, the assessment, the check and the time', async () => {
    const before = Date.now();
    const target = { service: 'checkout', environment: 'production', assessmentId: '6f1c1c1e-1b1a-4c4e-8a57-3f0c2f1d9a10' };
    expect((await runCheck(spec({ url: `${base}/pass` }), target)).status).toBe('PASS');
    expect(received).toHaveLength(1);
    const body = received[0]?.body as Record<string, unknown>;
    expect(body).toEqual({
      service: 'checkout',
      environment: 'production',
      assessmentId: target.assessmentId,
      check: { id: 'backups', name: 'Backups are fresh', category: 'operations', severity: 'critical' },
      sentAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/) as unknown,
    });
    const sentAt = Date.parse(String(body.sentAt));
    expect(sentAt).toBeGreaterThanOrEqual(before);
    expect(sentAt).toBeLessThanOrEqual(Date.now());
  });

  it('leaves out the assessment id when there is none (the CLI, a deployment task)', async () => {
    await runCheck(spec({ url: `${base}/pass` }), { service: 'checkout', environment: 'staging' });
    expect(received[0]?.body).toMatchObject({ service: 'checkout', environment: 'staging' });
    expect(received[0]?.body).not.toHaveProperty('assessmentId');
  });

  it('maps warn and fail, truncating a long message to 500 characters', async () => {
    expect(await runCheck(spec({ url: `${base}/warn` }))).toMatchObject({ status: 'WARN', message: 'feature flags: 3 stale', evidence: {} });
    const fail = await runCheck(spec({ url: `${base}/fail` }));
    expect(fail).toMatchObject({ status: 'FAIL', evidence: { stale: 40 } });
    expect(fail.message).toHaveLength(500);
    expect(fail.message.endsWith('…')).toBe(true);
  });

  it('reports an answer of the wrong shape as ERROR, with what is wrong', async () => {
    const outcome = await runCheck(spec({ url: `${base}/wrong-shape` }));
    expect(outcome.status).toBe('ERROR');
    expect(outcome.message).toMatch(/answered garbage: status: .*; message: /);
    expect(outcome.evidence).toMatchObject({ httpStatus: 200, body: '{"status":"ok","msg":"fine"}' });
  });

  it('reports a non-JSON answer as ERROR', async () => {
    const outcome = await runCheck(spec({ url: `${base}/html` }));
    expect(outcome.status).toBe('ERROR');
    expect(outcome.message).toMatch(/answered garbage: not JSON \("<html><body>Welcome to nginx!/);
  });

  it('reports an oversized answer as ERROR without keeping it', async () => {
    const outcome = await runCheck(spec({ url: `${base}/huge` }));
    expect(outcome.status).toBe('ERROR');
    expect(outcome.message).toMatch(/answered garbage: a body over 256 KiB/);
    expect(JSON.stringify(outcome).length).toBeLessThan(1000);
  });

  it('reports a non-2xx answer as ERROR with the status', async () => {
    const outcome = await runCheck(spec({ url: `${base}/boom` }));
    expect(outcome.status).toBe('ERROR');
    expect(outcome.message).toMatch(/answered HTTP 500; expected 2xx with a verdict/);
    expect(outcome.evidence).toMatchObject({ httpStatus: 500, body: 'database on fire' });
  });

  it('does not follow a redirect (it would turn the POST into a GET), and names where it pointed', async () => {
    const outcome = await runCheck(spec({ url: `${base}/moved` }));
    expect(outcome.status).toBe('ERROR');
    expect(outcome.message).toContain(`answered HTTP 302 (a redirect to ${base}/pass: redirects are not followed; use the final URL)`);
  });

  it('reports a hanging webhook as ERROR after the check timeout', async () => {
    const outcome = await runCheck(spec({ url: `${base}/hang`, timeoutMs: 200 }));
    expect(outcome).toMatchObject({ status: 'ERROR', message: 'no answer within the 200 ms timeout' });
  });

  it('reports an unreachable webhook as ERROR: the check could not be evaluated', async () => {
    const outcome = await runCheck(spec({ url: `${await closedPortUrl()}/check` }));
    expect(outcome.status).toBe('ERROR');
    expect(outcome.message).toMatch(/could not call the webhook .*ECONNREFUSED/);
  });
});
