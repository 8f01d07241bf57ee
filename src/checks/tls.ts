import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { checkServerIdentity, connect, type PeerCertificate } from 'node:tls';
import { z } from 'zod';
import { CheckBase } from './check-base.ts';
import type { CheckContext, CheckOutcome, UnmetCheck } from './check.types.ts';
import { evidenceNumber, evidenceString, evidenceStrings, quoted, timedOutAfter } from './evidence.ts';
import { formatTarget } from './tcp.ts';
import { NOT_TLS, settleOnce, UNRESOLVABLE } from './net-errors.ts';

export const TlsCheckSpec = CheckBase.extend({
  type: z.literal('tls'),
  host: z.string().min(1).max(253),
  /** @defaultValue 443 */
  port: z.number().int().min(1).max(65535).default(443),
  /** The name the certificate must cover, sent as SNI. @defaultValue host */
  servername: z.string().min(1).max(253).optional(),
  /** Fewer days left than this is a warning. @defaultValue 30 */
  warnDays: z.number().int().positive().max(3650).default(30),
  /** Fewer days left than this is a failure. @defaultValue 7 */
  failDays: z.number().int().nonnegative().max(3650).default(7),
  /** A PEM file of CA certificates to trust instead of the built-in roots (for a private CA); read when the check runs. */
  caFile: z.string().min(1).optional(),
}).superRefine((spec, ctx) => {
  if (spec.failDays >= spec.warnDays) {
    ctx.addIssue({
      code: 'custom',
      path: ['failDays'],
      message: `failDays (${spec.failDays}) must be less than warnDays (${spec.warnDays})`,
    });
  }
});
export type TlsCheckSpec = z.infer<typeof TlsCheckSpec>;

const DAY_MS = 86_400_000;

/** What the handshake showed about the certificate; everything `classifyCertificate` needs, nothing from a socket. */
export interface CertificateFacts {
  /** How messages name the certificate: `host:port`, or `servername at host:port`. */
  label: string;
  servername: string;
  /** Distinguished names: `CN=localhost, O=Example`. */
  subject: string;
  issuer: string;
  /** The issuer as a person knows it, for the message: its common name or organisation. */
  issuedBy: string;
  /** The DNS names and IP addresses the certificate covers. */
  names: string[];
  validFrom: Date;
  validTo: Date;
  /** Why the chain is not trusted (an OpenSSL code such as DEPTH_ZERO_SELF_SIGNED_CERT); undefined when it is. */
  chainError: string | undefined;
  /** Why the certificate does not cover `servername`; undefined when it does. */
  identityError: string | undefined;
}

const CHAIN_ERRORS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'it is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'its chain ends in a self-signed CA that is not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its issuer is not trusted (or the server does not send the intermediate certificates)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'its issuer is not trusted (or the server does not send the intermediate certificates)',
  UNABLE_TO_GET_ISSUER_CERT: 'its issuer is not trusted (or the server does not send the intermediate certificates)',
  CERT_REVOKED: 'it has been revoked',
};

const day = (date: Date) => date.toISOString().slice(0, 10);
const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;

/**
 * Turns what the handshake showed into an outcome. The first problem found decides it, in the order a person
 * would fix them: expired or not yet valid, untrusted chain, wrong name, then the days left against the thresholds.
 */
export function classifyCertificate(facts: CertificateFacts, thresholds: { warnDays: number; failDays: number }, now: Date): CheckOutcome {
  const msLeft = facts.validTo.getTime() - now.getTime();
  // Whole days, towards zero: 2.9 days left is 2, and expired 2.1 days ago is -2, matching "2 days ago".
  const daysLeft = Math.trunc(msLeft / DAY_MS) || 0;
  const evidence = {
    servername: facts.servername,
    subject: facts.subject,
    issuer: facts.issuer,
    issuedBy: facts.issuedBy,
    names: facts.names,
    validFrom: facts.validFrom.toISOString(),
    validTo: facts.validTo.toISOString(),
    daysLeft,
    expired: msLeft <= 0,
    authorized: facts.chainError === undefined && facts.identityError === undefined,
    authorizationError: facts.chainError ?? facts.identityError,
    warnDays: thresholds.warnDays,
    failDays: thresholds.failDays,
  };
  const name = `the certificate for ${facts.label}`;
  if (msLeft <= 0) {
    const ago = Math.floor(-msLeft / DAY_MS);
    const when = ago === 0 ? 'today' : `${plural(ago, 'day')} ago`;
    return { status: 'FAIL', message: `${name} expired on ${day(facts.validTo)} (${when}); renew it`, evidence };
  }
  if (facts.validFrom.getTime() > now.getTime()) {
    return {
      status: 'FAIL',
      message: `${name} is not valid until ${facts.validFrom.toISOString()}; check the server's clock or the certificate`,
      evidence,
    };
  }
  if (facts.chainError !== undefined) {
    const why = CHAIN_ERRORS[facts.chainError] ?? 'its chain does not verify';
    return {
      status: 'FAIL',
      message: `${name} is not trusted: ${why} (${facts.chainError}); serve a certificate from a trusted CA or set caFile to the private CA`,
      evidence,
    };
  }
  if (facts.identityError !== undefined) {
    const covers = facts.names.length > 0 ? facts.names.join(', ') : facts.subject;
    return { status: 'FAIL', message: `${name} covers ${covers}, not ${facts.servername}`, evidence };
  }
  const until = day(facts.validTo);
  const remaining = daysLeft === 0 ? 'less than a day' : plural(daysLeft, 'day');
  if (daysLeft < thresholds.failDays) {
    return {
      status: 'FAIL',
      message: `${name} expires in ${remaining} (on ${until}), fewer than the ${thresholds.failDays}-day minimum; renew it now`,
      evidence,
    };
  }
  if (daysLeft < thresholds.warnDays) {
    return {
      status: 'WARN',
      message: `${name} expires in ${remaining} (on ${until}), within the ${thresholds.warnDays}-day warning window; renew it soon`,
      evidence,
    };
  }
  return {
    status: 'PASS',
    message: `${name} is valid for ${plural(daysLeft, 'more day')} (until ${until}), issued by ${facts.issuedBy}`,
    evidence,
  };
}

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

/** Refused or cut off before any TLS: the service is down, as for a tcp check. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ETIMEDOUT']);
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

/** What to do about a tls check that did not pass: renew, re-issue or fix the port, with the days and thresholds. Pure. */
export function recommendTls(spec: TlsCheckSpec, outcome: UnmetCheck): string | undefined {
  const target = formatTarget(spec.host, spec.port);
  const { evidence } = outcome;
  const thresholds = `warn at ${spec.warnDays}, fail at ${spec.failDays}`;
  const timeoutMs = timedOutAfter(outcome);
  if (timeoutMs !== undefined) {
    return `Make ${target} complete a TLS handshake within the ${timeoutMs} ms timeout (it did not), or raise timeoutMs`;
  }
  const validTo = evidenceString(evidence, 'validTo')?.slice(0, 10);
  if (evidence?.expired === true) return `Renew the certificate for ${target} — it expired on ${validTo ?? 'an earlier day'} (${thresholds})`;
  const authorizationError = evidenceString(evidence, 'authorizationError');
  if (authorizationError === 'CERT_NOT_YET_VALID') {
    return `Check the clock of ${target} or re-issue its certificate: it is not valid until ${evidenceString(evidence, 'validFrom') ?? 'later'}`;
  }
  // A chain problem is an OpenSSL code; a name mismatch is Node's sentence about the names.
  if (authorizationError !== undefined && /^[A-Z_]+$/.test(authorizationError)) {
    const why = CHAIN_ERRORS[authorizationError] ?? 'its chain does not verify';
    return `Serve a certificate for ${target} from a trusted CA, or set caFile to the private CA (${why}: ${authorizationError})`;
  }
  if (authorizationError !== undefined) {
    const servername = spec.servername ?? spec.host;
    const names = evidenceStrings(evidence, 'names');
    return `Serve a certificate for ${target} that covers ${servername} (it covers ${names.length > 0 ? names.join(', ') : (evidenceString(evidence, 'subject') ?? 'other names')})`;
  }
  const daysLeft = evidenceNumber(evidence, 'daysLeft');
  if ((outcome.status === 'FAIL' || outcome.status === 'WARN') && daysLeft !== undefined) {
    const remaining = daysLeft === 0 ? 'less than a day' : plural(daysLeft, 'day');
    return `Renew the certificate for ${target} — it expires in ${remaining} (${thresholds})`;
  }
  const code = evidenceString(evidence, 'error');
  if (outcome.status === 'FAIL' && code !== undefined && UNREACHABLE.has(code)) {
    return `Bring ${target} back up: it is not reachable (${code}), so its certificate could not be checked`;
  }
  if (code !== undefined && UNRESOLVABLE.has(code))
    return `Fix the host name ${spec.host}: it does not resolve (${code}), so its certificate was not checked`;
  if (code !== undefined && NOT_TLS.has(code))
    return `Point the check at the TLS port of ${spec.host}: port ${spec.port} does not speak TLS (${code})`;
  if (outcome.status === 'ERROR') return `Make ${target} complete a TLS handshake so its certificate can be checked: ${quoted(outcome)}`;
  return undefined;
}
