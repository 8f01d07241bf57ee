import { createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { redactUrl } from '../../shared/text.ts';
import { absoluteLocation } from '../../checks/redirect-location.ts';
import type { TaskOutcome } from '../deployment.types.ts';
import type { PlannedTask } from '../plan.ts';
import type { TaskRunContext } from '../run-tasks.ts';
import type { WebhookTask } from '../template.schema.ts';
import type { WebhookReply, WebhookSender } from './webhook-sender.port.ts';

export const SIGNATURE_HEADER = 'x-readiness-signature';
export const TIMESTAMP_HEADER = 'x-readiness-timestamp';

/** `sha256=<hex>` over `<timestamp>.<body>`, so a receiver can reject replays of old requests. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

const StatusAnswer = z.object({ status: z.enum(['done', 'failed', 'running']), message: z.string().max(1000).optional() });

/**
 * POSTs the deployment context to the team's tooling. The Idempotency-Key is the same on every retry of the
 * task, so a receiver that honours it applies the change once even if a worker dies mid-request.
 */
export async function runWebhookTask(
  task: PlannedTask & { spec: WebhookTask },
  context: TaskRunContext,
  secret: string | undefined,
  sender: WebhookSender,
): Promise<TaskOutcome> {
  const { deployment } = context;
  const body = JSON.stringify({
    deploymentId: deployment.id,
    service: deployment.service,
    environment: deployment.environment,
    version: deployment.version,
    template: deployment.template,
    stage: context.stage,
    task: task.id,
  });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'idempotency-key': context.idempotencyKey,
    [TIMESTAMP_HEADER]: timestamp,
  };
  if (secret) headers[SIGNATURE_HEADER] = signWebhook(secret, timestamp, body);
  const signal = AbortSignal.any([context.signal, AbortSignal.timeout(task.spec.timeout)]);
  const where = redactUrl(task.spec.url);
  let response: WebhookReply;
  try {
    // The sender never follows a redirect: it would re-POST the signed body (and its signature) to wherever the Location says.
    response = await sender.post(task.spec.url, { headers, body, signal });
  } catch (error) {
    return { status: 'FAILED', message: `${where} could not be reached: ${(error as Error).message}`, evidence: { url: where } };
  }
  const redirect = redirectFailure(where, response, task.spec.url);
  if (redirect) return redirect;
  if (response.status < 200 || response.status > 299)
    return { status: 'FAILED', message: `${where} answered ${response.status}`, evidence: { url: where, status: response.status } };
  if (!task.spec.statusUrl)
    return { status: 'SUCCEEDED', message: `${where} answered ${response.status}`, evidence: { url: where, status: response.status } };
  return pollStatus(sender, task.spec.statusUrl, task.spec.pollEvery, context.idempotencyKey, signal);
}

/** A 3xx is a failure that names where it pointed: the task's URL is wrong or someone is redirecting it. */
function redirectFailure(where: string, response: WebhookReply, url: string): TaskOutcome | undefined {
  if (response.status < 300 || response.status > 399) return undefined;
  const { location } = response;
  const to = location === null ? 'no Location' : absoluteLocation(location, new URL(url));
  return {
    status: 'FAILED',
    message: `${where} answered ${response.status}, a redirect to ${to}; webhooks never follow redirects: point the task at the final URL`,
    evidence: { url: where, status: response.status, redirectTo: to },
  };
}

async function pollStatus(sender: WebhookSender, url: string, everyMs: number, idempotencyKey: string, signal: AbortSignal): Promise<TaskOutcome> {
  const where = redactUrl(url);
  for (let polls = 1; ; polls += 1) {
    try {
      const response = await sender.get(url, { headers: { 'idempotency-key': idempotencyKey }, signal });
      const redirect = redirectFailure(where, response, url);
      if (redirect) return { ...redirect, evidence: { ...redirect.evidence, polls } };
      const answer = StatusAnswer.safeParse(response.json);
      if (!answer.success)
        return { status: 'FAILED', message: `${where} did not answer {status: done|failed|running}`, evidence: { url: where, polls } };
      if (answer.data.status === 'done')
        return { status: 'SUCCEEDED', message: answer.data.message ?? `done after ${polls} status polls`, evidence: { url: where, polls } };
      if (answer.data.status === 'failed')
        return { status: 'FAILED', message: answer.data.message ?? 'the tooling reported failure', evidence: { url: where, polls } };
      await sleep(everyMs, undefined, { signal });
    } catch (error) {
      return {
        status: 'FAILED',
        message: signal.aborted ? `${where} did not report done in time` : `${where}: ${(error as Error).message}`,
        evidence: { url: where, polls },
      };
    }
  }
}
