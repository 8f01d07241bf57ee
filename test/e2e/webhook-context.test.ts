import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReadinessConfig } from '../../src/config/readiness-config.ts';
import { startTestStack, type TestStack } from '../support/test-stack.ts';

const service = `hooked-${randomUUID().slice(0, 8)}`;
const received: unknown[] = [];
let receiver: Server;
let stack: TestStack;

beforeAll(async () => {
  // The team's own check: answers PASS and remembers what it was sent.
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push(JSON.parse(body));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'pass', message: 'feature flags are in order', evidence: { flags: 12 } }));
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/check`;
  stack = await startTestStack({
    configFor: () =>
      parseReadinessConfig(
        {
          services: {
            [service]: {
              environments: { staging: {} },
              checks: [{ id: 'flags', name: 'Feature flags', type: 'webhook', category: 'integration', url: hookUrl }],
            },
          },
        },
        'webhook context test config',
      ),
  });
});
afterAll(async () => {
  await stack?.closeAll();
  await new Promise((resolve) => receiver?.close(resolve));
});

describe('a webhook check run from Slack', () => {
  it('is sent the service, the environment and the assessment it belongs to', async () => {
    const sent = await stack.run(`run ${service} staging`);
    const { assessment } = await stack.finished(sent.triggerId);
    expect(assessment.checks.map((check) => check.status)).toEqual(['PASS']);
    expect(received).toEqual([
      {
        service,
        environment: 'staging',
        assessmentId: assessment.id,
        check: { id: 'flags', name: 'Feature flags', category: 'integration', severity: 'high' },
        sentAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
    ]);
  });
});
