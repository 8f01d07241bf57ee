import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReadinessConfig } from '../../src/config/readiness-config.ts';
import { startTestStack, type TestStack } from '../support/test-stack.ts';

/*
 * An endpoint that echoes what it was sent (a 401 quoting the request's headers, an error page quoting the token)
 * must not put the check's credentials into a row or a Slack message: not a literal key written in readiness.yaml,
 * and not the start of a referenced secret that a truncated message cut in half.
 */

const LITERAL_KEY = `literal-key-${randomBytes(10).toString('hex')}`;
const SECRET_ENV = `R1_ECHO_TOKEN_${randomBytes(3).toString('hex').toUpperCase()}`;
const ENV_TOKEN = `envtok${randomBytes(16).toString('hex')}`;
/** Secrets of the target itself, in the error page it answers with: an environment dump. */
const DUMPED_PASSWORD = `dumped-${randomBytes(8).toString('hex')}`;
const DUMPED_PG_PASSWORD = `pgdump-${randomBytes(8).toString('hex')}`;
/** A literal password with an unencoded `@`, as people write them: the URL's userinfo ends at the last `@`. */
const AT_PASSWORD_TAIL = `tail${randomBytes(8).toString('hex')}`;
/** The webhook's "not JSON" message keeps 79 characters of the body: the token starts at 69, so 10 are kept. */
const PADDING = 'upstream refused the request that carried this header value '.padEnd(69, '.');

let stack: TestStack;
let echo: Server;

beforeAll(async () => {
  process.env[SECRET_ENV] = ENV_TOKEN;
  echo = createServer((req, res) => {
    req.resume();
    const key = String(req.headers['x-api-key'] ?? '');
    if (req.url === '/dump')
      return void res
        .writeHead(500, { 'content-type': 'text/plain' })
        .end(`{"error":"boom","env":{"DB_PASSWORD": "${DUMPED_PASSWORD}"}}\nPGPASSWORD=${DUMPED_PG_PASSWORD}`);
    if (req.url === '/literal')
      return void res
        .writeHead(401, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: 'unauthorized', received: { 'x-api-key': key } }));
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`${PADDING}${key} and nothing else`);
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  const echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
  stack = await startTestStack({
    configFor: (baseUrl) =>
      parseReadinessConfig(
        {
          services: {
            echoing: {
              environments: { staging: { vars: { baseUrl, echoUrl } } },
              checks: [
                { id: 'health', name: 'Health', type: 'http', severity: 'critical', url: '{{baseUrl}}/healthz' },
                {
                  id: 'literal',
                  name: 'Literal key',
                  type: 'webhook',
                  severity: 'low',
                  url: '{{echoUrl}}/literal',
                  headers: { 'X-Api-Key': LITERAL_KEY },
                },
                { id: 'dump', name: 'Dumping endpoint', type: 'webhook', severity: 'low', url: '{{echoUrl}}/dump' },
                {
                  id: 'db',
                  name: 'Database',
                  type: 'postgres',
                  severity: 'low',
                  url: `postgresql://app:pa@${AT_PASSWORD_TAIL}@127.0.0.1:1/app`,
                  timeoutMs: 2000,
                },
                {
                  id: 'referenced',
                  name: 'Referenced key',
                  type: 'webhook',
                  severity: 'low',
                  url: '{{echoUrl}}/text',
                  headers: { 'X-Api-Key': `\${env:${SECRET_ENV}}` },
                },
              ],
            },
          },
        },
        'secret echo test config',
      ),
  });
});
afterAll(async () => {
  await stack?.closeAll();
  await new Promise((resolve) => echo?.close(resolve));
  delete process.env[SECRET_ENV];
});

describe('an endpoint that echoes the credentials it was sent', () => {
  let ran: Promise<{ checks: Record<string, { status: string; message: string | null }>; stored: string; shown: string }> | undefined;
  const assessOnce = () =>
    (ran ??= (async () => {
      const ack = await stack.run('run echoing staging');
      const { assessment, message } = await stack.finished(ack.triggerId);
      const stored = JSON.stringify(await stack.runtime.db.checkResult.findMany({ where: { assessmentId: assessment.id } }));
      const shown = JSON.stringify([stack.standIn.calls, message.blocks]);
      return { checks: Object.fromEntries(assessment.checks.map((check) => [check.checkId, check])), stored, shown };
    })());

  it('keeps a literal key of readiness.yaml out of the check row and the message when the endpoint quotes it back', async () => {
    const { checks, stored, shown } = await assessOnce();
    expect(checks.literal?.status).toBe('ERROR'); // it reached the endpoint: the finding is about its 401
    expect(checks.literal?.message).toContain('answered HTTP 401');
    expect(stored).not.toContain(LITERAL_KEY);
    expect(shown).not.toContain(LITERAL_KEY);
  });

  it("keeps the passwords of an endpoint's own environment dump out of the check row and the message", async () => {
    const { checks, stored, shown } = await assessOnce();
    expect(checks.dump?.status).toBe('ERROR');
    expect(stored).toContain('DB_PASSWORD');
    for (const secret of [DUMPED_PASSWORD, DUMPED_PG_PASSWORD]) {
      expect(stored).not.toContain(secret);
      expect(shown).not.toContain(secret);
    }
  });

  it('stores a literal password that holds an "@" redacted whole, not only up to its "@"', async () => {
    const { checks, stored, shown } = await assessOnce();
    expect(checks.db?.status).not.toBe('PASS');
    expect(stored).toContain('postgresql://app:***@127.0.0.1:1/app');
    expect(stored).not.toContain(AT_PASSWORD_TAIL);
    expect(shown).not.toContain(AT_PASSWORD_TAIL);
  });

  it('shows not even the start of a referenced token that a shortened message cut in half', async () => {
    const { checks, stored, shown } = await assessOnce();
    expect(checks.referenced?.status).toBe('ERROR');
    expect(checks.referenced?.message).toContain('answered garbage: not JSON');
    expect(checks.referenced?.message).toContain('***…');
    // Its first ten characters are where the message was cut: half a token is still a token.
    expect(stored).not.toContain(ENV_TOKEN.slice(0, 10));
    expect(shown).not.toContain(ENV_TOKEN.slice(0, 10));
  });
});
