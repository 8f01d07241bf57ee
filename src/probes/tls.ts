import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { checkServerIdentity, connect, type PeerCertificate } from 'node:tls';
import type { CheckContext, CheckOutcome } from '../checks/check.types.ts';
import { NOT_TLS, UNRESOLVABLE } from '../checks/net-error-codes.ts';
import { formatTarget } from '../checks/specs/tcp.ts';
import { UNREACHABLE, type TlsCheckSpec } from '../checks/specs/tls.ts';
import { settleOnce } from './net-errors.ts';
import { classifyCertificate } from './tls-certificate.ts';

/** `CN=localhost, O=Example`; Node gives repeated attributes as arrays. */
function formatName(name: PeerCertificate['subject'] | undefined): string {
  if (!name) return '';
  return Object.entries(name as unknown as Record<string, string | string[]>)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : value}`)
    .join(', ');
}

/** The issuer as a person knows it: its common name, else its organisation, else the whole name. */
function issuerName(issuer: PeerCertificate['issuer'] | undefined): string {
  const fields = (issuer ?? {}) as unknown as Record<string, string | string[] | undefined>;
  const pick = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
  return pick(fields.CN) ?? pick(fields.O) ?? (formatName(issuer) || 'an unnamed issuer');
}

/** `DNS:a.example, IP Address:127.0.0.1` → `['a.example', '127.0.0.1']`. */
function altNames(certificate: PeerCertificate): string[] {
  if (!certificate.subjectaltname) return [];
  return certificate.subjectaltname
    .split(', ')
    .map((entry) => entry.replace(/^(DNS|IP Address):/, ''))
    .filter((entry) => entry.length > 0);
}

type Handshake =
  | { ok: true; certificate: PeerCertificate; authorizationError: string | undefined; protocol: string | null }
  | { ok: false; error: NodeJS.ErrnoException; tcpConnected: boolean };

function handshake(spec: TlsCheckSpec, servername: string, ca: string | undefined, signal: AbortSignal): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    signal.throwIfAborted();
    const socket = connect({
      host: spec.host,
      port: spec.port,
      // SNI carries names only (RFC 6066); for an IP the certificate is still checked against it below.
      ...(isIP(servername) === 0 ? { servername } : {}),
      ...(ca === undefined ? {} : { ca }),
      // Inspect the certificate whatever its state; the verdict comes from `authorized` and the checks below.
      rejectUnauthorized: false,
      // Identity is checked separately against the configured servername.
      checkServerIdentity: () => undefined,
    });
    let connected = false;
    const settle = settleOnce(socket, signal, reject);
    socket.once('connect', () => {
      connected = true;
    });
    socket.once('secureConnect', () => {
      const certificate = socket.getPeerCertificate();
      const authorizationError = socket.authorized ? undefined : String(socket.authorizationError ?? 'UNKNOWN');
      const protocol = socket.getProtocol();
      settle(() => resolve({ ok: true, certificate, authorizationError, protocol }));
    });
    // Stays attached after settling, so a late socket error can never become an uncaught exception.
    socket.on('error', (error: NodeJS.ErrnoException) => settle(() => resolve({ ok: false, error, tcpConnected: connected })));
    socket.once('close', () => {
      const error: NodeJS.ErrnoException = new Error('the connection closed before the TLS handshake finished');
      error.code = 'ECONNRESET';
      settle(() => resolve({ ok: false, error, tcpConnected: connected }));
    });
  });
}

function describeFailure(spec: TlsCheckSpec, target: string, result: Extract<Handshake, { ok: false }>): CheckOutcome {
  const code = result.error.code;
  const evidence = { host: spec.host, port: spec.port, error: code ?? result.error.message };
  if (code !== undefined && UNREACHABLE.has(code) && !result.tcpConnected) {
    return { status: 'FAIL', message: `${target} is not reachable (${code}), so its certificate could not be checked`, evidence };
  }
  if (code !== undefined && UNRESOLVABLE.has(code)) {
    return { status: 'ERROR', message: `could not resolve the host name ${spec.host} (${code}), so its certificate was not checked`, evidence };
  }
  if (code !== undefined && NOT_TLS.has(code)) {
    return {
      status: 'ERROR',
      message: `${target} did not answer with TLS: what came back is not a TLS record (${code}); is this a plain-text port?`,
      evidence,
    };
  }
  if (code === 'ECONNRESET' || code === 'EPIPE') {
    return { status: 'ERROR', message: `${target} did not answer with TLS: it closed the connection during the handshake (${code})`, evidence };
  }
  return { status: 'ERROR', message: `the TLS handshake with ${target} failed: ${code ?? result.error.message}`, evidence };
}

export async function runTlsCheck(spec: TlsCheckSpec, context: CheckContext): Promise<CheckOutcome> {
  const servername = spec.servername ?? spec.host;
  const target = formatTarget(spec.host, spec.port);
  const label = servername === spec.host ? target : `${servername} at ${target}`;
  let ca: string | undefined;
  if (spec.caFile !== undefined) {
    try {
      ca = await readFile(spec.caFile, 'utf8');
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      return { status: 'ERROR', message: `could not read the CA file ${spec.caFile} (${reason})`, evidence: { caFile: spec.caFile, error: reason } };
    }
    if (!ca.includes('-----BEGIN CERTIFICATE-----')) {
      return { status: 'ERROR', message: `the CA file ${spec.caFile} holds no PEM certificate`, evidence: { caFile: spec.caFile } };
    }
  }

  const result = await handshake(spec, servername, ca, context.signal);
  if (!result.ok) return describeFailure(spec, target, result);

  const { certificate } = result;
  if (!certificate || Object.keys(certificate).length === 0) {
    return {
      status: 'ERROR',
      message: `${target} completed the TLS handshake without presenting a certificate`,
      evidence: { host: spec.host, port: spec.port },
    };
  }
  const validFrom = new Date(certificate.valid_from);
  const validTo = new Date(certificate.valid_to);
  if (Number.isNaN(validFrom.getTime()) || Number.isNaN(validTo.getTime())) {
    return {
      status: 'ERROR',
      message: `could not read the validity dates of the certificate for ${label} ("${certificate.valid_from}" to "${certificate.valid_to}")`,
      evidence: { host: spec.host, port: spec.port, validFrom: certificate.valid_from, validTo: certificate.valid_to },
    };
  }
  const identityError = checkServerIdentity(servername, certificate);
  const outcome = classifyCertificate(
    {
      label,
      servername,
      subject: formatName(certificate.subject),
      issuer: formatName(certificate.issuer),
      issuedBy: issuerName(certificate.issuer),
      names: altNames(certificate),
      validFrom,
      validTo,
      // Node reports a name mismatch here too; the name is checked on its own below, against `servername`.
      chainError: result.authorizationError === 'ERR_TLS_CERT_ALTNAME_INVALID' ? undefined : result.authorizationError,
      identityError: identityError?.message,
    },
    spec,
    new Date(),
  );
  outcome.evidence = {
    host: spec.host,
    port: spec.port,
    ...outcome.evidence,
    serialNumber: certificate.serialNumber,
    fingerprint256: certificate.fingerprint256,
    protocol: result.protocol,
    ...(spec.caFile === undefined ? {} : { caFile: spec.caFile }),
  };
  return outcome;
}
