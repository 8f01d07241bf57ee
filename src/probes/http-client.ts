import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate } from 'node:zlib';
import type { Agent, Dispatcher } from 'undici';
import { hostPatternMatches, type EgressPolicy } from '../egress/egress-policy.ts';
import { MAX_REDIRECTS, REDIRECT_LOOP } from '../checks/specs/http.ts';

/** What the http check needs of an answer: the body is read whole, so latency covers all of it. */
export interface HttpAnswer {
  status: number;
  body: string;
  /** The Location header of an answer that was not followed. */
  location: string | null;
  /** Where the request ended after following redirects; undefined when it was not redirected. */
  finalUrl: string | undefined;
  /** A redirect this client would not follow: the answer is that redirect itself. */
  refusedRedirect?: RefusedRedirect | undefined;
}

/**
 * other_host: it leads off the original host to one `allowRedirectsTo` does not list; too_many: more than
 * MAX_REDIRECTS hops; scheme: to something other than http(s).
 */
export interface RefusedRedirect {
  reason: 'other_host' | 'too_many' | 'scheme';
  location: string;
}

// One keep-alive pool per process: a 200-check assessment of one host reuses connections between runs.
// undici's `request` costs a fraction of `fetch`'s CPU (no WHATWG Request/Response/streams), which matters when
// one worker starts hundreds of checks at once (bench/assessment-fanout). Redirects are followed here, hop by hop,
// so each hop is checked against where the check may go.
// undici is loaded with the first request, not at import: `readiness config validate` never sends one.
let undici: Promise<typeof import('undici')> | undefined;
const loadUndici = () => (undici ??= import('undici'));
let pool: Agent | undefined;
// With an egress allowlist, a pool whose connections resolve through it: the address connected to is the one checked.
const guardedPools = new WeakMap<EgressPolicy, Agent>();
// Every pool made, so a process that is done with the network can close them (closeHttpPools).
const openPools = new Set<Agent>();
async function dispatcherFor(egress: EgressPolicy | undefined): Promise<Agent> {
  const { Agent } = await loadUndici();
  if (!egress) {
    if (!pool) {
      pool = new Agent();
      openPools.add(pool);
    }
    return pool;
  }
  let guarded = guardedPools.get(egress);
  if (!guarded || guarded.closed) {
    guarded = new Agent({ connect: { lookup: egress.connectLookup } });
    guardedPools.set(egress, guarded);
    openPools.add(guarded);
  }
  return guarded;
}

/**
 * Destroys every connection pool the http checks opened (their idle keep-alive sockets at once). For a process that is
 * done with the network, the CLI: undici's socket timers would otherwise keep it alive for a few hundred ms after
 * the report is written. Later requests open new pools.
 */
export async function closeHttpPools(): Promise<void> {
  const pools = [...openPools];
  openPools.clear();
  pool = undefined;
  await Promise.allSettled(pools.map((agent) => agent.destroy()));
}

const decoders: Record<string, (data: Buffer) => Promise<Buffer>> = {
  gzip: promisify(gunzip),
  'x-gzip': promisify(gunzip),
  deflate: promisify(inflate),
  br: promisify(brotliDecompress),
};

/** Undoes Content-Encoding as fetch does (gzip, deflate, br, in the order applied); an unknown one is left as is. */
async function decode(data: Buffer, contentEncoding: string | string[] | undefined): Promise<Buffer> {
  const codings = [contentEncoding ?? []]
    .flat()
    .flatMap((value) => value.split(','))
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
  let decoded = data;
  for (const coding of codings.reverse()) {
    const decoder = decoders[coding];
    if (!decoder) return decoded;
    decoded = await decoder(decoded);
  }
  return decoded;
}

const header = (value: string | string[] | undefined) => (Array.isArray(value) ? (value[0] ?? null) : (value ?? null));

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Headers that identify the caller: not sent on to another host (as browsers' fetch does). */
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

/** `https://user:pass@host/x` → the URL without its userinfo, and the userinfo as an `Authorization: Basic` value. */
export function splitUserinfo(raw: string): { url: URL; authorization: string | undefined } {
  const url = new URL(raw);
  if (url.username === '' && url.password === '') return { url, authorization: undefined };
  const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  url.username = '';
  url.password = '';
  return { url, authorization: `Basic ${Buffer.from(credentials).toString('base64')}` };
}

export interface HttpRequestOptions {
  method: 'GET' | 'HEAD';
  signal: AbortSignal;
  followRedirects: boolean;
  /** Request headers; URL userinfo becomes `Authorization: Basic` unless this sets one. */
  headers?: Record<string, string> | undefined;
  /** Hosts (or `*.suffix` patterns) a redirect may lead to besides the original host. @defaultValue [] */
  allowRedirectsTo?: readonly string[] | undefined;
  /** Checked before every request (the first and each redirect hop) and on every connection. @defaultValue anywhere */
  egress?: EgressPolicy | undefined;
}

/**
 * GET or HEAD `url`, following at most MAX_REDIRECTS redirects when asked and only within the original host
 * (or to `allowRedirectsTo`), with the body decoded as UTF-8 text (as fetch's text()).
 */
export async function requestHttp(url: string, options: HttpRequestOptions): Promise<HttpAnswer> {
  const { url: first, authorization } = splitUserinfo(url);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;
  if (authorization !== undefined && headers.authorization === undefined) headers.authorization = authorization;

  let current = first;
  const visited = new Set([current.href]);
  for (let hop = 0; ; hop += 1) {
    await options.egress?.assertUrlAllowed(current);
    const { request } = await loadUndici();
    const answer = await request(current, {
      method: options.method,
      signal: options.signal,
      headers,
      dispatcher: await dispatcherFor(options.egress),
    });
    const location = header(answer.headers.location);
    const redirected = hop > 0 ? current.href : undefined;
    if (!options.followRedirects || !REDIRECT_STATUSES.has(answer.statusCode) || location === null) {
      return { status: answer.statusCode, body: await readText(answer), location, finalUrl: redirected };
    }
    await answer.body.dump().catch(() => undefined);
    const next = new URL(location, current);
    const refuse = (reason: RefusedRedirect['reason']): HttpAnswer => ({
      status: answer.statusCode,
      body: '',
      location: next.href,
      finalUrl: redirected,
      refusedRedirect: { reason, location: next.href },
    });
    if (next.protocol !== 'http:' && next.protocol !== 'https:') return refuse('scheme');
    if (hop >= MAX_REDIRECTS) return refuse('too_many');
    const sameHost = next.hostname === first.hostname;
    if (!sameHost && !(options.allowRedirectsTo ?? []).some((pattern) => hostPatternMatches(pattern.toLowerCase(), next.hostname)))
      return refuse('other_host');
    // undici refused to visit a URL twice while following, and so does this: a finding about the endpoint.
    if (visited.has(next.href)) throw Object.assign(new Error('it redirects in a loop'), { code: REDIRECT_LOOP });
    visited.add(next.href);
    // Credentials go to the host they were configured for, and never in clear after an https→http downgrade.
    const downgraded = current.protocol === 'https:' && next.protocol === 'http:';
    if (!sameHost || downgraded) for (const name of CREDENTIAL_HEADERS) delete headers[name];
    current = next;
  }
}

async function readText(answer: Dispatcher.ResponseData): Promise<string> {
  const raw = Buffer.from(await answer.body.arrayBuffer());
  return new TextDecoder().decode(await decode(raw, answer.headers['content-encoding']));
}
