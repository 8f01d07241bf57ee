import { describe, expect, it } from 'vitest';
import type { DeploymentView } from '../../../src/deployments/deployment.types.ts';
import { runWebhookTask, SIGNATURE_HEADER, signWebhook, TIMESTAMP_HEADER } from '../../../src/deployments/tasks/webhook.ts';
import type { WebhookReply, WebhookSender } from '../../../src/deployments/tasks/webhook-sender.port.ts';
import type { WebhookTask } from '../../../src/deployments/template.schema.ts';

// The webhook task through its WebhookSender port: what it sends, and how it reads the answers, with no network.
type Sent = { method: 'POST' | 'GET'; url: string; headers: Record<string, string>; body?: string };

function fakeSender(post: WebhookReply, polls: (WebhookReply & { json: unknown })[] = []) {
  const sent: Sent[] = [];
  const sender: WebhookSender = {
    async post(url, request) {
      sent.push({ method: 'POST', url, headers: request.headers, body: request.body });
      return post;
    },
    async get(url, request) {
      sent.push({ method: 'GET', url, headers: request.headers });
      const next = polls.shift();
      if (!next) throw new Error('polled too often');
      return next;
    },
  };
  return { sender, sent };
}

const deployment = { id: 'dep-1', service: 'shop', environment: 'prod', version: '1.2.3', template: 'direct' } as DeploymentView;
const context = { deployment, stage: 'deploy' as const, idempotencyKey: 'dep-1:deploy:hook', signal: new AbortController().signal };
const task = (spec: Partial<WebhookTask> = {}) => ({
  id: 'hook',
  name: 'hook',
  type: 'webhook' as const,
  after: [],
  estimateMs: 0,
  spec: { id: 'hook', after: [], type: 'webhook' as const, url: 'https://deploy.internal/go', pollEvery: 1, timeout: 5000, ...spec },
});

describe('runWebhookTask', () => {
  it('POSTs the deployment context signed, with the idempotency key, and succeeds on 2xx', async () => {
    const { sender, sent } = fakeSender({ status: 202, location: null });
    const outcome = await runWebhookTask(task(), context, 's3cret', sender);
    expect(outcome).toMatchObject({ status: 'SUCCEEDED', message: 'https://deploy.internal/go answered 202' });
    const [post] = sent;
    expect(JSON.parse(post?.body ?? '')).toEqual({
      deploymentId: 'dep-1',
      service: 'shop',
      environment: 'prod',
      version: '1.2.3',
      template: 'direct',
      stage: 'deploy',
      task: 'hook',
    });
    expect(post?.headers['idempotency-key']).toBe('dep-1:deploy:hook');
    const timestamp = post?.headers[TIMESTAMP_HEADER] ?? '';
    expect(post?.headers[SIGNATURE_HEADER]).toBe(signWebhook('s3cret', timestamp, post?.body ?? ''));
  });

  it('fails on a redirect, naming where it pointed (absolute, credentials redacted)', async () => {
    const { sender } = fakeSender({ status: 307, location: '/elsewhere' });
    const outcome = await runWebhookTask(task({ url: 'https://user:pw@deploy.internal/go' }), context, undefined, sender);
    expect(outcome.status).toBe('FAILED');
    expect(outcome.message).toContain('a redirect to https://user:***@deploy.internal/elsewhere');
    expect(outcome.message).not.toContain('pw');
  });

  it('fails naming the reason when the request cannot be sent', async () => {
    const sender: WebhookSender = {
      post: () => Promise.reject(new Error('not allowed by the egress allowlist')),
      get: () => Promise.reject(new Error('unused')),
    };
    const outcome = await runWebhookTask(task(), context, undefined, sender);
    expect(outcome).toMatchObject({
      status: 'FAILED',
      message: 'https://deploy.internal/go could not be reached: not allowed by the egress allowlist',
    });
  });

  it('polls the status URL until it reports done', async () => {
    const { sender, sent } = fakeSender({ status: 200, location: null }, [
      { status: 200, location: null, json: { status: 'running' } },
      { status: 200, location: null, json: { status: 'done', message: 'rolled out' } },
    ]);
    const outcome = await runWebhookTask(task({ statusUrl: 'https://deploy.internal/status' }), context, undefined, sender);
    expect(outcome).toMatchObject({ status: 'SUCCEEDED', message: 'rolled out', evidence: { polls: 2 } });
    expect(sent.filter((one) => one.method === 'GET').map((one) => one.headers['idempotency-key'])).toEqual([
      'dep-1:deploy:hook',
      'dep-1:deploy:hook',
    ]);
  });

  it('fails when the status URL answers something other than {status}', async () => {
    const { sender } = fakeSender({ status: 200, location: null }, [{ status: 200, location: null, json: undefined }]);
    const outcome = await runWebhookTask(task({ statusUrl: 'https://deploy.internal/status' }), context, undefined, sender);
    expect(outcome).toMatchObject({ status: 'FAILED', message: 'https://deploy.internal/status did not answer {status: done|failed|running}' });
  });
});
