import type { Socket } from 'node:net';
import { NOT_TLS } from '../checks/net-error-codes.ts';

/**
 * The innermost cause of a failure: fetch (undici) and drivers wrap the socket error in `cause`. `reason` is
 * OpenSSL's own short phrase ("wrong version number"), whose `message` is a raw multi-line OpenSSL dump.
 */
export function rootCause(error: unknown): { code?: string; message: string; reason?: string } {
  let current: unknown = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  const code = (current as { code?: unknown } | undefined)?.code;
  const reason = (current as { reason?: unknown } | undefined)?.reason;
  const message = current instanceof Error ? current.message : String(current);
  return {
    message,
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof reason === 'string' && reason !== '' ? { reason } : {}),
  };
}

/** Why a certificate was refused, as a person reads it; Node's own message for codes not listed. */
const CERTIFICATE_PROBLEMS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'the certificate chain ends in a self-signed CA that is not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the certificate's issuer is not trusted (or the server does not send the intermediate certificates)",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "the certificate's issuer is not trusted (or the server does not send the intermediate certificates)",
  UNABLE_TO_GET_ISSUER_CERT: "the certificate's issuer is not trusted (or the server does not send the intermediate certificates)",
  CERT_HAS_EXPIRED: 'the certificate has expired',
  CERT_NOT_YET_VALID: 'the certificate is not valid yet',
  CERT_REVOKED: 'the certificate has been revoked',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the certificate does not cover the host name',
};

/**
 * A TLS failure in one readable phrase, never OpenSSL's raw dump: "the port does not speak TLS (wrong version
 * number)", "the certificate is self-signed".
 */
export function describeTlsProblem(cause: { code?: string; message: string; reason?: string }): string {
  const { code } = cause;
  const phrase = (
    cause.reason ??
    firstLine(cause.message)
      .replace(/^[0-9A-F]+:error:[0-9A-F]+:[^:]*:[^:]*:/, '')
      .replace(/:\.\.?\/.*$/, '')
  ).trim();
  if (code !== undefined && NOT_TLS.has(code)) return `the port does not speak TLS (${phrase})`;
  if (code !== undefined && CERTIFICATE_PROBLEMS[code] !== undefined) return CERTIFICATE_PROBLEMS[code];
  if (code?.startsWith('ERR_SSL_')) return `the TLS handshake failed (${phrase})`;
  return phrase;
}

/** The first non-empty line, trimmed: driver and OpenSSL messages end in newlines or carry dumps below. */
export function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((line) => line.trim())
      .find((line) => line !== '') ?? ''
  );
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
