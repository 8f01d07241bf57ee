import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReadinessConfig } from '../../src/config/readiness-config.ts';
import { DeployReceiver } from '../../tools/demo/deploy-receiver.ts';
import { ids } from '../../src/slack/ids.ts';
import { startTestStack, until, type TestStack } from '../support/test-stack.ts';

/*
 * Outbound requests stay where they were pointed: an http check does not follow a redirect off its host, a deploy
 * webhook does not follow a redirect at all (it would re-POST the signed body), and with `egress.allow` nothing
 * outside the list is contacted. Driven through the Slack stand-in like a user would.
 */

const DEPLOYER = 'U0OUTBOUND';
const SECRET_ENV = `H4_OUTBOUND_WEBHOOK_SECRET_${randomBytes(3).toString('hex').toUpperCase()}`;
const WEBHOOK_SECRET = randomBytes(24).toString('hex');
const LITERAL_PASSWORD = `literal-${randomBytes(8).toString('hex')}`;

let stack: TestStack;
let receiver: DeployReceiver;
let elsewhere: DeployReceiver;
let redirector: Server;
let redirectorUrl: string;
const elsewhereHits: string[] = [];

beforeAll(async () => {
  process.env[SECRET_ENV] = WEBHOOK_SECRET;
  receiver = await DeployReceiver.start({ secret: WEBHOOK_SECRET });
  elsewhere = await DeployReceiver.start({ secret: WEBHOOK_SECRET });
  // An endpoint that sends its callers to another host (127.0.0.2 is loopback too, but not the host asked for).
  redirector = createServer((req, res) => {
    if (req.headers.host?.startsWith('127.0.0.2')) {
      elsewhereHits.push(req.url ?? '');
      return void res.writeHead(200).end('ok');
    }
    res.writeHead(302, { location: `http://127.0.0.2:${(redirector.address() as AddressInfo).port}/login?session=s3ss10n-t0k3n` }).end();
  });
  await new Promise<void>((resolve) => redirector.listen(0, '0.0.0.0', resolve));
  redirectorUrl = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}`;
  stack = await startTestStack({
    configFor: (baseUrl) =>
      parseReadinessConfig(
        {
          roles: { deployers: { users: [DEPLOYER] } },
          egress: { allow: ['127.0.0.1', '127.0.0.2'] },
          deployments: {
            templates: {
              direct: {
                phases: [{ id: 'deploy', tasks: [{ id: 'deploy', type: 'webhook', url: '{{deployUrl}}/deploy' }] }],
                autoRollback: false,
                rollback: { tasks: [{ id: 'undo', type: 'webhook', url: '{{deployUrl}}/undo' }] },
              },
            },
          },
          services: {
            routed: {
              environments: { staging: { vars: { redirectorUrl, baseUrl } } },
              checks: [
                { id: 'health', name: 'Health', type: 'http', severity: 'critical', url: '{{baseUrl}}/healthz' },
                { id: 'login', name: 'Login page', type: 'http', severity: 'low', url: '{{redirectorUrl}}/account' },
                { id: 'sso', name: 'SSO login page', type: 'http', severity: 'low', url: '{{redirectorUrl}}/sso', allowRedirectsTo: ['127.0.0.2'] },
                { id: 'outside', name: 'A host outside the allowlist', type: 'http', severity: 'low', url: 'http://127.0.0.3:9/x' },
              ],
            },
            shop: {
              environments: {
                staging: {
                  vars: { baseUrl, deployUrl: receiver.url },
                  deploy: { template: 'direct', deployerRole: 'deployers', webhookSecret: `\${env:${SECRET_ENV}}` },
                },
                // A literal password in readiness.yaml (not a reference): stored redacted, still sent.
                literal: {
                  vars: { baseUrl, deployUrl: `${receiver.url.replace('http://', `http://robot:${LITERAL_PASSWORD}@`)}/literal` },
                  deploy: { template: 'direct', deployerRole: 'deployers' },
                },
              },
              checks: [{ id: 'health', name: 'Health', type: 'http', severity: 'critical', url: '{{baseUrl}}/healthz' }],
            },
          },
        },
        'outbound test config',
      ),
    standIn: { users: { [DEPLOYER]: { name: 'deployer' } } },
  });
});
afterAll(async () => {
  await stack?.closeAll();
  await receiver?.close();
  await elsewhere?.close();
  await new Promise((resolve) => redirector?.close(resolve));
  delete process.env[SECRET_ENV];
});

describe('http checks and redirects', () => {
  it('fail a redirect off the original host, naming the Location with its token redacted; allowRedirectsTo lets it through', async () => {
    const ack = await stack.run('run routed staging', { userId: DEPLOYER });
    const { assessment, message } = await stack.finished(ack.triggerId);
    const byId = Object.fromEntries(assessment.checks.map((check) => [check.checkId, check]));
    expect(byId.login?.status).toBe('FAIL');
    const location = `http://127.0.0.2:${(redirector.address() as AddressInfo).port}/login?session=***`;
    expect(byId.login?.message).toBe(
      `${redirectorUrl}/account redirects to ${location}, which leaves 127.0.0.1; list the host under allowRedirectsTo if that is intended`,
    );
    expect(byId.sso?.status).toBe('PASS');
    expect(elsewhereHits).toEqual(['/login?session=s3ss10n-t0k3n']); // only the allowed one went there
    expect(JSON.stringify(message.blocks)).toContain(`redirects to ${location}`);
    expect(JSON.stringify(message.blocks)).not.toContain('s3ss10n-t0k3n');
  });

  it('do not contact a host outside egress.allow, and say which rule refused it', async () => {
    const ack = await stack.run('run routed staging', { userId: DEPLOYER });
    const { assessment } = await stack.finished(ack.triggerId);
    const outside = assessment.checks.find((check) => check.checkId === 'outside');
    expect(outside).toMatchObject({
      status: 'ERROR',
      message: 'not run: connecting to 127.0.0.3 is not allowed by egress.allow (127.0.0.1, 127.0.0.2)',
    });
  });
});

describe('deploy webhooks and redirects', () => {
  it('fail the task on a redirect, naming the Location, and never re-POST the signed body there', async () => {
    receiver.behave('/deploy', { status: 307, location: `${elsewhere.url}/stolen?sig=abcdef123456` });
    const assessed = await stack.run('run shop staging', { userId: DEPLOYER });
    expect((await stack.finished(assessed.triggerId)).assessment.verdict).toBe('GO');
    const planAck = await stack.run('deploy shop staging', { userId: DEPLOYER });
    const planned = await until(() => stack.runtime.db.deployment.findFirst({ where: { requestKey: planAck.triggerId, messageTs: { not: null } } }));
    await stack.standIn.clickButton(stack.eventsUrl, {
      channel: stack.channelId,
      ts: planned.messageTs ?? '',
      actionId: ids.actions.deployStart,
      userId: DEPLOYER,
    });
    const task = await until(
      () => stack.runtime.db.deploymentTask.findFirst({ where: { deploymentId: planned.id, taskId: 'deploy', status: 'FAILED' } }),
      30_000,
    );
    expect(task.message).toBe(
      `${receiver.url}/deploy answered 307, a redirect to ${elsewhere.url}/stolen?sig=***; webhooks never follow redirects: point the task at the final URL`,
    );
    // The webhook secret came from the environment: the receiver checked the signature with it.
    expect(receiver.calls.find((call) => call.path === '/deploy')?.signatureValid).toBe(true);
    expect(elsewhere.calls).toEqual([]);
  });

  it('store a literal credential of the plan redacted, and still send it', async () => {
    const assessed = await stack.run('run shop literal', { userId: DEPLOYER });
    expect((await stack.finished(assessed.triggerId)).assessment.verdict).toBe('GO');
    const planAck = await stack.run('deploy shop literal', { userId: DEPLOYER });
    const planned = await until(() => stack.runtime.db.deployment.findFirst({ where: { requestKey: planAck.triggerId, messageTs: { not: null } } }));
    expect(JSON.stringify(planned.plan)).toContain('robot:***@');
    expect(JSON.stringify(planned.plan)).not.toContain(LITERAL_PASSWORD);
    await stack.standIn.clickButton(stack.eventsUrl, {
      channel: stack.channelId,
      ts: planned.messageTs ?? '',
      actionId: ids.actions.deployStart,
      userId: DEPLOYER,
    });
    await until(
      () => stack.runtime.db.deploymentTask.findFirst({ where: { deploymentId: planned.id, taskId: 'deploy', status: 'SUCCEEDED' } }),
      30_000,
    );
    const call = receiver.calls.find((candidate) => candidate.path === '/literal/deploy');
    expect(call?.authorization).toBe(`Basic ${Buffer.from(`robot:${LITERAL_PASSWORD}`).toString('base64')}`);
    const tasks = await stack.runtime.db.deploymentTask.findMany({ where: { deploymentId: planned.id } });
    expect(JSON.stringify(tasks)).not.toContain(LITERAL_PASSWORD);
  });
});
