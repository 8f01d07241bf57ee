import { z } from 'zod';
import { CheckBase } from './check-base.ts';
import type { CheckContext, CheckOutcome } from './check.types.ts';

export const HttpCheckSpec = CheckBase.extend({
  type: z.literal('http'),
  url: z.string().min(1),
  method: z.enum(['GET', 'HEAD']).default('GET'),
  /** One status or a list of acceptable statuses. @defaultValue 200 */
  expectStatus: z
    .union([z.number().int().min(100).max(599), z.array(z.number().int().min(100).max(599)).min(1)])
    .default(200),
  /** Slower than this is a warning, not a failure: the endpoint works but is degraded. */
  maxLatencyMs: z.number().int().positive().optional(),
});
export type HttpCheckSpec = z.infer<typeof HttpCheckSpec>;

function acceptedStatuses(spec: HttpCheckSpec): number[] {
  return Array.isArray(spec.expectStatus) ? spec.expectStatus : [spec.expectStatus];
}

/** The innermost cause of a fetch failure: undici wraps the socket error in `cause`. */
function rootCause(error: unknown): { code?: string; message: string } {
  let current: unknown = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  const code = (current as { code?: string } | undefined)?.code;
  const message = current instanceof Error ? current.message : String(current);
  return code === undefined ? { message } : { code, message };
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET']);

export async function runHttpCheck(spec: HttpCheckSpec, context: CheckContext): Promise<CheckOutcome> {
  const expected = acceptedStatuses(spec);
  const startedAt = context.now();
  let response: Response;
  try {
    response = await fetch(spec.url, { method: spec.method, signal: context.signal, redirect: 'follow' });
    // Read the body so latency covers the whole response, as a user's request would.
    await response.arrayBuffer();
  } catch (error) {
    if (context.signal.aborted) throw error;
    const cause = rootCause(error);
    const evidence = { url: spec.url, error: cause.code ?? cause.message };
    if (cause.code !== undefined && UNREACHABLE.has(cause.code)) {
      return { status: 'FAIL', message: `${spec.url} is not reachable (${cause.code})`, evidence };
    }
    return { status: 'ERROR', message: `could not request ${spec.url}: ${cause.message}`, evidence };
  }
  const latencyMs = Math.round(context.now() - startedAt);
  const evidence = { url: spec.url, status: response.status, expectedStatus: expected, latencyMs, maxLatencyMs: spec.maxLatencyMs };
  if (!expected.includes(response.status)) {
    return {
      status: 'FAIL',
      message: `${spec.url} answered ${response.status}, expected ${expected.join(' or ')}`,
      evidence,
    };
  }
  if (spec.maxLatencyMs !== undefined && latencyMs > spec.maxLatencyMs) {
    return {
      status: 'WARN',
      message: `${spec.url} answered ${response.status} in ${latencyMs} ms, slower than the ${spec.maxLatencyMs} ms ceiling`,
      evidence,
    };
  }
  return { status: 'PASS', message: `${spec.url} answered ${response.status} in ${latencyMs} ms`, evidence };
}
