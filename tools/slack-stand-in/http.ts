import type { IncomingMessage, ServerResponse } from 'node:http';
import { signSlackRequest } from './slack-signature.ts';

export type Json = Record<string, unknown>;

export interface SignatureTamper {
  /** Replaces the computed X-Slack-Signature; null leaves the header out entirely. */
  signature?: string | null;
  /** Unix seconds put in X-Slack-Request-Timestamp (and signed), e.g. to simulate a replay. */
  timestamp?: number;
}

export interface DeliveryResult {
  status: number;
  body: string;
  latencyMs: number;
}

// The Web API client flattens nested arguments into JSON strings inside the form body; these are
// the arguments that are structured in Slack's method reference.
const STRUCTURED_ARGS = new Set(['blocks', 'attachments', 'view', 'metadata', 'user_auth_blocks', 'unfurls']);

/** The body as bytes: what file uploads need. */
export function readRawBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function readBody(req: IncomingMessage): Promise<string> {
  return (await readRawBody(req)).toString('utf8');
}

export function isJsonObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function tryParseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/** Parses a Web API request body the way Slack accepts it: form-encoded or JSON. */
export function parseApiArgs(contentType: string | undefined, raw: string, query: URLSearchParams): Json | 'invalid_json' {
  const args: Json = {};
  for (const [key, value] of query) args[key] = value;
  if ((contentType ?? '').includes('application/json')) {
    if (raw.trim() === '') return args;
    const parsed = tryParseJson(raw);
    if (!isJsonObject(parsed)) return 'invalid_json';
    Object.assign(args, parsed);
  } else {
    for (const [key, value] of new URLSearchParams(raw)) args[key] = value;
  }
  for (const key of STRUCTURED_ARGS) {
    const value = args[key];
    if (typeof value === 'string') {
      const parsed = tryParseJson(value);
      // Left as a string when unparseable so the handler can answer like Slack does (…_format errors).
      if (parsed !== undefined) args[key] = parsed;
    }
  }
  return args;
}

export function sendJson(res: ServerResponse, status: number, body: Json, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    ...headers,
  });
  res.end(payload);
}

/** Delivers a request to the app the way Slack does: form-encoded, timestamped and signed. */
export async function deliverSigned(
  targetUrl: string,
  signingSecret: string,
  rawBody: string,
  tamper: SignatureTamper = {},
): Promise<DeliveryResult> {
  const timestamp = tamper.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    'x-slack-request-timestamp': String(timestamp),
  };
  const signature = tamper.signature === undefined ? signSlackRequest(signingSecret, timestamp, rawBody) : tamper.signature;
  if (signature !== null) headers['x-slack-signature'] = signature;

  const started = performance.now();
  const response = await fetch(targetUrl, { method: 'POST', headers, body: rawBody, redirect: 'manual' });
  const body = await response.text();
  const latencyMs = performance.now() - started;
  return { status: response.status, body, latencyMs };
}

export function parseJsonOrUndefined(raw: string): unknown {
  return tryParseJson(raw);
}
