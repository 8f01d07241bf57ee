import { randomBytes } from 'node:crypto';
import { isJsonObject, parseJsonOrUndefined, type Json } from './http.ts';
import { checkMessageContent } from './web-api.ts';

// Slack: a response_url accepts up to 5 posts within 30 minutes of the originating request.
const MAX_USES = 5;
const TTL_MS = 30 * 60 * 1000;

export interface ResponseUrlOutcome {
  status: number;
  /** What the app posted (the raw text under `raw` when it was not a JSON object). */
  body: Json;
  response: Json;
}

/** Issues response_urls on this stand-in and enforces Slack's limits on posts to them. */
export class ResponseUrlRegistry {
  private readonly prefix: string;
  private readonly issued = new Map<string, { issuedAt: number; uses: number }>();

  constructor(baseUrl: string) {
    this.prefix = `${baseUrl}/response/`;
  }

  issue(): string {
    const url = `${this.prefix}${randomBytes(12).toString('hex')}`;
    this.adopt(url);
    return url;
  }

  /** Registers a caller-supplied URL if it points at this stand-in, so posts to it are accepted. */
  adopt(url: string): void {
    if (url.startsWith(this.prefix) && !this.issued.has(url)) {
      this.issued.set(url, { issuedAt: Date.now(), uses: 0 });
    }
  }

  accept(url: string, raw: string): ResponseUrlOutcome {
    const parsed = parseJsonOrUndefined(raw);
    const body: Json = isJsonObject(parsed) ? parsed : { raw };
    const reject = (status: number, response: Json): ResponseUrlOutcome => ({ status, body, response });

    const entry = this.issued.get(url);
    if (entry === undefined) return reject(404, { ok: false, error: 'no_service' });
    if (Date.now() - entry.issuedAt > TTL_MS) return reject(404, { ok: false, error: 'expired_url' });
    if (entry.uses >= MAX_USES) return reject(404, { ok: false, error: 'used_url' });
    if (!isJsonObject(parsed)) return reject(400, { ok: false, error: 'invalid_payload' });
    // Deleting the original is the one response that carries no content. Rejected posts are not
    // counted as uses, so a test can see the validation error and still exercise the limit.
    const invalid = checkMessageContent(body, body.delete_original !== true);
    if (invalid !== undefined) return reject(400, invalid);
    entry.uses += 1;
    return { status: 200, body, response: { ok: true } };
  }
}
