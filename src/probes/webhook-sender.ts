import type { WebhookReply, WebhookRequest, WebhookSender } from '../deployments/tasks/webhook-sender.port.ts';
import type { EgressPolicy } from '../egress/egress-policy.ts';
import { splitUserinfo } from './http-client.ts';

const isRedirect = (status: number) => status >= 300 && status <= 399;

/** Sends deployment webhooks with fetch, each destination checked against `egress` (undefined: anywhere). */
export function createWebhookSender(egress: EgressPolicy | undefined): WebhookSender {
  /** The request without its URL's userinfo, which becomes the Authorization header; refused destinations throw. */
  async function send(url: string, request: WebhookRequest, init: { method?: 'POST'; body?: string }): Promise<Response> {
    const target = splitUserinfo(url);
    const headers = { ...request.headers };
    if (target.authorization !== undefined) headers.authorization = target.authorization;
    await egress?.assertUrlAllowed(target.url);
    return fetch(target.url, { ...init, headers, signal: request.signal, redirect: 'manual' });
  }
  const reply = (response: Response): WebhookReply => ({ status: response.status, location: response.headers.get('location') });

  return {
    async post(url, request) {
      const response = await send(url, request, { method: 'POST', body: request.body });
      await response.body?.cancel();
      return reply(response);
    },
    async get(url, request) {
      const response = await send(url, request, {});
      if (isRedirect(response.status)) {
        await response.body?.cancel();
        return { ...reply(response), json: undefined };
      }
      return { ...reply(response), json: await response.json().catch(() => undefined) };
    },
  };
}
