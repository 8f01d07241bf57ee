import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../../src/probes/run-check.ts';
import { HttpCheckSpec } from '../../../src/config/readiness-config.schema.ts';
import { closedPortUrl } from '../../support/test-stack.ts';

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/ok') return void res.writeHead(200).end('ok');
    if (req.url === '/created') return void res.writeHead(201).end('ok');
    if (req.url === '/slow') return void setTimeout(() => res.writeHead(200).end('ok'), 150);
    if (req.url === '/hang') return; // never answers
    if (req.url === '/moved') return void res.writeHead(302, { location: '/ok' }).end();
    if (req.url === '/health.json')
      return void res
        .writeHead(200, { 'content-type': 'application/json' })
        .end('{"status":"ok","checks":{"db":{"up":true}},"items":[{"name":"a"}]}');
    if (req.url === '/gzip') return void res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync('{"status":"grün"}'));
    if (req.url === '/br') return void res.writeHead(200, { 'content-encoding': 'br' }).end(brotliCompressSync('all systems go'));
    if (req.url === '/hop1') return void res.writeHead(301, { location: '/hop2' }).end();
    if (req.url === '/hop2') return void res.writeHead(307, { location: '/health.json' }).end();
    if (req.url === '/loop') return void res.writeHead(302, { location: '/loop' }).end();
    if (req.url === '/html') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html>maintenance</html>');
    res.writeHead(500).end('boom');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const spec = (fields: Record<string, unknown>) => HttpCheckSpec.parse({ id: 'c', name: 'C', type: 'http', ...fields });

describe('the http check', () => {
  it('passes on the expected status and reports the measured latency', async () => {
    const outcome = await runCheck(spec({ url: `${base}/ok` }));
    expect(outcome.status).toBe('PASS');
    expect(outcome.evidence).toMatchObject({ status: 200, expectedStatus: [200] });
    expect(outcome.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('accepts any of a list of statuses and follows redirects', async () => {
    expect((await runCheck(spec({ url: `${base}/created`, expectStatus: [200, 201] }))).status).toBe('PASS');
    expect((await runCheck(spec({ url: `${base}/moved` }))).status).toBe('PASS');
  });

  it('fails on an unexpected status, saying what it got and what it wanted', async () => {
    const outcome = await runCheck(spec({ url: `${base}/broken` }));
    expect(outcome).toMatchObject({ status: 'FAIL', message: `${base}/broken answered 500, expected 200` });
  });

  it('warns when slower than the latency ceiling, with both numbers', async () => {
    const outcome = await runCheck(spec({ url: `${base}/slow`, maxLatencyMs: 50 }));
    expect(outcome.status).toBe('WARN');
    expect(outcome.message).toMatch(/slower than the 50 ms ceiling/);
    expect(outcome.evidence).toMatchObject({ maxLatencyMs: 50 });
  });

  it('reports a hanging endpoint as ERROR after its own timeout', async () => {
    const outcome = await runCheck(spec({ url: `${base}/hang`, timeoutMs: 200 }));
    expect(outcome).toMatchObject({ status: 'ERROR', message: 'no answer within the 200 ms timeout' });
  });

  it('reports a refused connection as a failed check: the service is down', async () => {
    const url = await closedPortUrl();
    const outcome = await runCheck(spec({ url: `${url}/healthz` }));
    expect(outcome.status).toBe('FAIL');
    expect(outcome.message).toMatch(/is not reachable \(ECONNREFUSED\)/);
  });

  it('reports a URL it cannot request as ERROR, never throwing (config validation refuses such URLs first)', async () => {
    const outcome = await runCheck(spec({ url: 'not a url' }));
    expect(outcome.status).toBe('ERROR');
    expect(outcome.message).toMatch(/could not request not a url/);
  });
});

describe('the http check: redirects and body assertions', () => {
  it('reports a redirect it was told not to follow, with where it points', async () => {
    const outcome = await runCheck(spec({ url: `${base}/moved`, followRedirects: false }));
    expect(outcome).toMatchObject({ status: 'FAIL', message: `${base}/moved answered 302 (a redirect to /ok, not followed), expected 200` });
    expect((await runCheck(spec({ url: `${base}/moved`, followRedirects: false, expectStatus: 302 }))).status).toBe('PASS');
  });

  it('follows a chain of redirects and reports where it ended', async () => {
    const outcome = await runCheck(spec({ url: `${base}/hop1`, json: { path: '$.status', equals: 'ok' } }));
    expect(outcome).toMatchObject({ status: 'PASS', evidence: { status: 200, finalUrl: `${base}/health.json` } });
    expect((await runCheck(spec({ url: `${base}/ok` }))).evidence).not.toHaveProperty('finalUrl');
  });

  it('reports a redirect loop as a failed check, not a hang', async () => {
    const outcome = await runCheck(spec({ url: `${base}/loop`, timeoutMs: 3000 }));
    expect(outcome).toMatchObject({ status: 'FAIL', message: `${base}/loop redirects in a loop`, evidence: { error: 'ERR_REDIRECT_LOOP' } });
  });

  it('reads gzip and brotli bodies as text, as UTF-8', async () => {
    expect((await runCheck(spec({ url: `${base}/gzip`, json: { path: '$.status', equals: 'grün' } }))).status).toBe('PASS');
    expect((await runCheck(spec({ url: `${base}/br`, bodyContains: 'systems go' }))).status).toBe('PASS');
  });

  it('checks that the body contains a text', async () => {
    expect((await runCheck(spec({ url: `${base}/ok`, bodyContains: 'ok' }))).status).toBe('PASS');
    const outcome = await runCheck(spec({ url: `${base}/html`, bodyContains: '"status":"ok"' }));
    expect(outcome).toMatchObject({ status: 'FAIL', message: `${base}/html answered without ""status":"ok"" in its body` });
  });

  it('checks a JSON value at a path', async () => {
    expect((await runCheck(spec({ url: `${base}/health.json`, json: { path: '$.checks.db.up', equals: true } }))).status).toBe('PASS');
    expect((await runCheck(spec({ url: `${base}/health.json`, json: { path: 'items[0].name', equals: 'a' } }))).status).toBe('PASS');
    const wrong = await runCheck(spec({ url: `${base}/health.json`, json: { path: '$.status', equals: 'degraded' } }));
    expect(wrong).toMatchObject({ status: 'FAIL', message: `${base}/health.json answered $.status = "ok", expected "degraded"` });
  });

  it('a missing JSON path is a failed check (the measurement), a body that is not JSON is an error', async () => {
    const missing = await runCheck(spec({ url: `${base}/health.json`, json: { path: '$.checks.cache.up', equals: true } }));
    expect(missing).toMatchObject({ status: 'FAIL' });
    expect(missing.message).toContain('without $.checks.cache');
    const notJson = await runCheck(spec({ url: `${base}/html`, json: { path: '$.status', equals: 'ok' } }));
    expect(notJson).toMatchObject({ status: 'ERROR', message: `${base}/html did not answer JSON, so $.status cannot be checked` });
  });

  it('refuses a malformed JSON path in the config', () => {
    expect(() => spec({ url: `${base}/x`, json: { path: '$..[', equals: 1 } })).toThrow(/a path such as \$\.status/);
  });
});

describe('the http check: TLS problems are reported as such', () => {
  let dir: string;
  let selfSigned: Server;
  let selfSignedUrl: string;
  beforeAll(async () => {
    // A self-signed certificate made here, at test time, as test/integration/probes/tls.test.ts makes its own.
    dir = await mkdtemp(join(tmpdir(), 'readiness-http-tls-'));
    await promisify(execFile)(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        'self.key',
        '-out',
        'self.pem',
        '-days',
        '30',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
      ],
      { cwd: dir },
    );
    selfSigned = createHttpsServer({ cert: await readFile(join(dir, 'self.pem')), key: await readFile(join(dir, 'self.key')) }, (_req, res) =>
      res.writeHead(200).end('ok'),
    );
    selfSigned.on('tlsClientError', () => {});
    await new Promise<void>((resolve) => selfSigned.listen(0, '127.0.0.1', resolve));
    selfSignedUrl = `https://127.0.0.1:${(selfSigned.address() as AddressInfo).port}/ok`;
  });
  afterAll(async () => {
    selfSigned.closeAllConnections();
    await new Promise((resolve) => selfSigned.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it('fails on a self-signed certificate, saying so in words', async () => {
    const outcome = await runCheck(spec({ url: selfSignedUrl }));
    expect(outcome).toMatchObject({
      status: 'FAIL',
      message: `${selfSignedUrl} has a TLS problem (DEPTH_ZERO_SELF_SIGNED_CERT): the certificate is self-signed`,
      evidence: { url: selfSignedUrl, error: 'DEPTH_ZERO_SELF_SIGNED_CERT', tlsProblem: 'the certificate is self-signed' },
    });
  });

  it("fails on https:// to a plain-HTTP port with a readable reason, not OpenSSL's dump", async () => {
    const url = `${base.replace('http://', 'https://')}/ok`;
    const outcome = await runCheck(spec({ url }));
    expect(outcome).toMatchObject({
      status: 'FAIL',
      message: `${url} has a TLS problem (ERR_SSL_WRONG_VERSION_NUMBER): the port does not speak TLS (wrong version number)`,
      evidence: { error: 'ERR_SSL_WRONG_VERSION_NUMBER' },
    });
    expect(outcome.message).not.toMatch(/SSL routines|openssl|\n/);
  });
});
