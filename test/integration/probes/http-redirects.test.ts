import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../../src/probes/run-check.ts';
import { HttpCheckSpec } from '../../../src/config/readiness-config.schema.ts';
import { PrometheusCheckSpec } from '../../../src/checks/specs/prometheus.ts';
import { egressPolicy, systemResolveHost } from '../../../src/egress/egress-policy.ts';
import { requestHttp } from '../../../src/probes/http-client.ts';

let server: Server;
let port: number;
const seen: { url: string; host: string; headers: IncomingHttpHeaders }[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', host: req.headers.host ?? '', headers: req.headers });
    const hops = /^\/chain\/(\d+)(\?.*)?$/.exec(req.url ?? '');
    if (hops) {
      const left = Number(hops[1]);
      return void (left === 0 ? res.writeHead(200).end('ok') : res.writeHead(302, { location: `/chain/${left - 1}` }).end());
    }
    if (req.url === '/to-other-host') return void res.writeHead(301, { location: `http://127.0.0.2:${port}/chain/0?token=leaky` }).end();
    if (req.url?.startsWith('/prom/api/v1/query')) return void res.writeHead(302, { location: `http://127.0.0.2:${port}/steal?token=t-9876` }).end();
    if (req.url === '/to-other-loopback') return void res.writeHead(307, { location: `http://127.0.0.2:${port}/chain/0` }).end();
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const base = () => `http://127.0.0.1:${port}`;
const spec = (fields: Record<string, unknown>) => HttpCheckSpec.parse({ id: 'c', name: 'C', type: 'http', ...fields });

describe('the http check: where redirects may lead', () => {
  it('follows up to 5 redirects on its own host, and fails the 6th naming where it led', async () => {
    expect((await runCheck(spec({ url: `${base()}/chain/5` }))).status).toBe('PASS');
    const outcome = await runCheck(spec({ url: `${base()}/chain/6` }));
    expect(outcome).toMatchObject({ status: 'FAIL', evidence: { redirectRefused: 'too_many', redirectTo: `${base()}/chain/0` } });
    expect(outcome.message).toBe(`${base()}/chain/6 redirects to ${base()}/chain/0, after 5 redirects already (at most 5 are followed)`);
  });

  it('does not leave the original host unless allowRedirectsTo lists the target, and names the Location redacted', async () => {
    const refused = await runCheck(spec({ url: `${base()}/to-other-host` }));
    expect(refused.status).toBe('FAIL');
    expect(refused.message).toBe(
      `${base()}/to-other-host redirects to http://127.0.0.2:${port}/chain/0?token=***, which leaves 127.0.0.1; list the host under allowRedirectsTo if that is intended`,
    );
    expect(JSON.stringify(refused)).not.toContain('leaky');
    expect((await runCheck(spec({ url: `${base()}/to-other-host`, allowRedirectsTo: ['127.0.0.2'] }))).status).toBe('PASS');
  });

  it('sends URL userinfo as basic auth and headers as configured, and drops them when a redirect leaves the host', async () => {
    seen.length = 0;
    const outcome = await runCheck(
      spec({ url: `http://robot:pa55-w0rd@127.0.0.1:${port}/to-other-host`, headers: { 'X-Api-Key': 'k-123456' }, allowRedirectsTo: ['127.0.0.2'] }),
    );
    expect(outcome.status).toBe('PASS');
    const [first, second] = seen;
    expect(first?.headers.authorization).toBe(`Basic ${Buffer.from('robot:pa55-w0rd').toString('base64')}`);
    expect(first?.headers['x-api-key']).toBe('k-123456');
    expect(second?.host).toBe(`127.0.0.2:${port}`);
    expect(second?.headers.authorization).toBeUndefined();
    expect(JSON.stringify(outcome)).not.toContain('pa55-w0rd');
  });
});

describe('the prometheus check and redirects', () => {
  it('does not follow one (it would carry the credentials along), naming the Location redacted', async () => {
    seen.length = 0;
    const outcome = await runCheck(
      PrometheusCheckSpec.parse({
        id: 'p',
        name: 'P',
        type: 'prometheus',
        url: `http://u:prom-pw-1@127.0.0.1:${port}/prom`,
        query: 'up',
        comparator: '>',
        fail: 0,
      }),
    );
    expect(outcome.status).toBe('ERROR');
    expect(outcome.message).toBe(
      `Prometheus at http://u:***@127.0.0.1:${port}/prom answered HTTP 302, a redirect to http://127.0.0.2:${port}/steal?token=***: redirects are not followed; point the url at Prometheus itself`,
    );
    expect(seen.map((request) => request.host)).toEqual([`127.0.0.1:${port}`]);
  });
});

describe('the egress allowlist', () => {
  it('refuses a destination outside it before connecting, naming the rule', async () => {
    const egress = egressPolicy({ allow: ['10.0.0.0/8', '*.internal'] }, systemResolveHost);
    seen.length = 0;
    const outcome = await runCheck(spec({ url: `${base()}/chain/0` }), undefined, undefined, { egress });
    expect(outcome.status).toBe('ERROR');
    expect(outcome.message).toBe('not run: connecting to 127.0.0.1 is not allowed by egress.allow (10.0.0.0/8, *.internal)');
    expect(seen).toEqual([]);
  });

  it('checks every redirect hop', async () => {
    const egress = egressPolicy({ allow: ['127.0.0.1'] }, systemResolveHost);
    expect((await runCheck(spec({ url: `${base()}/chain/2` }), undefined, undefined, { egress })).status).toBe('PASS');
    const outcome = await runCheck(spec({ url: `${base()}/to-other-loopback`, allowRedirectsTo: ['127.0.0.2'] }), undefined, undefined, { egress });
    expect(outcome.status).toBe('ERROR');
    expect(outcome.message).toContain('connecting to 127.0.0.2 is not allowed by egress.allow (127.0.0.1)');
  });
});

describe('the egress allowlist at connect time', () => {
  const signal = () => AbortSignal.timeout(5000);

  it('connects to the address the allowlist checked: a name resolved by its resolver is reached there', async () => {
    const egress = egressPolicy({ allow: ['127.0.0.0/8'] }, async (host) => (host === 'service.test' ? ['127.0.0.1'] : []));
    const answer = await requestHttp(`http://service.test:${port}/chain/0`, { method: 'GET', signal: signal(), followRedirects: true, egress });
    expect(answer.status).toBe(200);
  });

  it('refuses a name that resolves elsewhere by the time it connects (DNS rebinding)', async () => {
    let lookups = 0;
    const egress = egressPolicy({ allow: ['127.0.0.0/8'] }, async () => (++lookups === 1 ? ['127.0.0.1'] : ['10.9.9.9']));
    const request = requestHttp(`http://rebind.test:${port}/chain/0`, { method: 'GET', signal: signal(), followRedirects: true, egress });
    await expect(request).rejects.toThrow('connecting to rebind.test (10.9.9.9) is not allowed by egress.allow (127.0.0.0/8)');
    expect(lookups).toBe(2);
  });
});
