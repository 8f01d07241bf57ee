import { connect, isIPv6 } from 'node:net';
import { z } from 'zod';
import { CheckBase } from './check-base.ts';
import type { CheckContext, CheckOutcome, UnmetCheck } from './check.types.ts';
import { evidenceString, quoted, timedOutAfter } from './evidence.ts';
import { settleOnce, UNRESOLVABLE } from './net-errors.ts';

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
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ETIMEDOUT']);

type Connection = { ok: true; address: string | undefined } | { ok: false; error: NodeJS.ErrnoException };

/** Opens a TCP connection and closes it at once. Rejects only when the signal aborts; socket errors resolve. */
function openConnection(host: string, port: number, signal: AbortSignal): Promise<Connection> {
  return new Promise((resolve, reject) => {
    signal.throwIfAborted();
    const socket = connect({ host, port });
    const settle = settleOnce(socket, signal, reject);
    socket.once('connect', () => {
      const address = socket.remoteAddress;
      settle(() => resolve({ ok: true, address }));
    });
    // Stays attached after settling, so a late socket error can never become an uncaught exception.
    socket.on('error', (error: NodeJS.ErrnoException) => settle(() => resolve({ ok: false, error })));
  });
}

export async function runTcpCheck(spec: TcpCheckSpec, context: CheckContext): Promise<CheckOutcome> {
  const target = formatTarget(spec.host, spec.port);
  const startedAt = context.now();
  const connection = await openConnection(spec.host, spec.port, context.signal);
  const connectMs = Math.round(context.now() - startedAt);
  if (connection.ok) {
    return {
      status: 'PASS',
      message: `${target} accepts connections in ${connectMs} ms`,
      evidence: { host: spec.host, port: spec.port, address: connection.address, connectMs },
    };
  }
  const code = connection.error.code;
  const evidence = { host: spec.host, port: spec.port, error: code ?? connection.error.message };
  if (code === 'ECONNREFUSED') {
    return { status: 'FAIL', message: `${target} refuses connections (ECONNREFUSED): nothing is listening on port ${spec.port}`, evidence };
  }
  if (code !== undefined && UNREACHABLE.has(code)) {
    return { status: 'FAIL', message: `${target} is not reachable (${code})`, evidence };
  }
  if (code !== undefined && UNRESOLVABLE.has(code)) {
    return { status: 'ERROR', message: `could not resolve the host name ${spec.host} (${code}), so port ${spec.port} was not tested`, evidence };
  }
  return { status: 'ERROR', message: `could not connect to ${target}: ${connection.error.message}`, evidence };
}

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
