import { connect } from 'node:net';
import type { CheckContext, CheckOutcome } from '../checks/check.types.ts';
import { UNRESOLVABLE } from '../checks/net-error-codes.ts';
import { formatTarget, UNREACHABLE, type TcpCheckSpec } from '../checks/specs/tcp.ts';
import { settleOnce } from './net-errors.ts';

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
