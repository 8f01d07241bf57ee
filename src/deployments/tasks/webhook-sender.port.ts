/** What a webhook answered, as far as a deployment task reads it: the status, and where a redirect pointed. */
export interface WebhookReply {
  status: number;
  /** The Location header; null when there is none. */
  location: string | null;
}

export interface WebhookRequest {
  headers: Record<string, string>;
  signal: AbortSignal;
}

/**
 * How webhook and status-poll requests of deployment tasks reach the team's tooling; src/probes implements it
 * and src/main passes it in. URL credentials are sent as Basic authorization, the egress allowlist is checked
 * before each request, and a redirect is returned as the answer, never followed (it would re-POST the signed
 * body, or carry the credentials, wherever its Location says). Rejects when the URL is not one, the
 * destination is refused, or the request fails.
 */
export interface WebhookSender {
  /** POSTs `body` to `url`; the answer's body is discarded. */
  post(url: string, request: WebhookRequest & { body: string }): Promise<WebhookReply>;
  /** GETs `url`; `json` is the answer's body parsed, undefined for a redirect or a body that is not JSON. */
  get(url: string, request: WebhookRequest): Promise<WebhookReply & { json: unknown }>;
}
