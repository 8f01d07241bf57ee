import type { Socket } from 'node:net';

/** Errors that mean the host name itself could not be looked up: the check cannot say anything about the port. */
export const UNRESOLVABLE = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'EAI_NONAME']);

/** The innermost cause of a failure: fetch (undici) and drivers wrap the socket error in `cause`. */
export function rootCause(error: unknown): { code?: string; message: string } {
  let current: unknown = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  const code = (current as { code?: unknown } | undefined)?.code;
  const message = current instanceof Error ? current.message : String(current);
  return typeof code === 'string' ? { code, message } : { message };
}

/** The innermost cause as one line, with its code when the message does not already say it. */
export function describeRootCause(error: unknown): string {
  const { code, message } = rootCause(error);
  return code !== undefined && !message.includes(code) ? `${code}: ${message}` : message;
}

/**
 * For a promise around a socket: the first outcome wins, the socket is destroyed, and an abort of `signal`
 * rejects with its reason (so run-check reports the timeout).
 */
export function settleOnce(socket: Socket, signal: AbortSignal, reject: (reason: unknown) => void) {
  let settled = false;
  const settle = (finish: () => void) => {
    if (settled) return;
    settled = true;
    signal.removeEventListener('abort', onAbort);
    socket.destroy();
    finish();
  };
  const onAbort = () => settle(() => reject(signal.reason));
  signal.addEventListener('abort', onAbort, { once: true });
  return settle;
}
