import { isIPv6 } from 'node:net';
import { z } from 'zod';
import { CheckBase } from '../check-base.ts';
import type { UnmetCheck } from '../check.types.ts';
import { evidenceString, quoted, timedOutAfter } from '../evidence.ts';
import { UNRESOLVABLE } from '../net-error-codes.ts';

export const TcpCheckSpec = CheckBase.extend({
  type: z.literal('tcp'),
  /** A hostname or an IP address. */
  host: z.string().min(1).max(253),
  port: z.number().int().min(1).max(65535),
});
export type TcpCheckSpec = z.infer<typeof TcpCheckSpec>;

/** `host:port`, with an IPv6 address in brackets so the port stays readable. */
export function formatTarget(host: string, port: number): string {
  return isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Errors that mean the service is down or cut off: what the check measures, so FAIL. */
export const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ETIMEDOUT']);

/** What to do about a tcp check that did not pass. Pure. */
export function recommendTcp(spec: TcpCheckSpec, outcome: UnmetCheck): string | undefined {
  const target = formatTarget(spec.host, spec.port);
  const timeoutMs = timedOutAfter(outcome);
  if (timeoutMs !== undefined) {
    return `Make ${target} accept connections within the ${timeoutMs} ms timeout (it did not answer): look for a firewall that drops packets, or raise timeoutMs`;
  }
  const code = evidenceString(outcome.evidence, 'error');
  if (code === 'ECONNREFUSED') return `Open port ${spec.port} on ${spec.host} or fix the service listening on it (${target} refuses connections)`;
  if (code !== undefined && UNREACHABLE.has(code))
    return `Make ${target} reachable from here: check the host, the network path and firewalls (${code})`;
  if (code !== undefined && UNRESOLVABLE.has(code))
    return `Fix the host name ${spec.host}: it does not resolve (${code}), so port ${spec.port} was not tested`;
  if (outcome.status === 'ERROR') return `Fix the check's host or port so ${target} can be tested: ${quoted(outcome)}`;
  return undefined;
}
