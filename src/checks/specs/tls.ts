import { z } from 'zod';
import { CheckBase } from '../check-base.ts';
import type { UnmetCheck } from '../check.types.ts';
import { evidenceNumber, evidenceString, evidenceStrings, quoted, timedOutAfter } from '../evidence.ts';
import { formatTarget } from './tcp.ts';
import { NOT_TLS, UNRESOLVABLE } from '../net-error-codes.ts';

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

/** Why a certificate chain is not trusted, by OpenSSL code: the tls probe's messages and the advice both say it. */
export const CHAIN_ERRORS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'it is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'its chain ends in a self-signed CA that is not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its issuer is not trusted (or the server does not send the intermediate certificates)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'its issuer is not trusted (or the server does not send the intermediate certificates)',
  UNABLE_TO_GET_ISSUER_CERT: 'its issuer is not trusted (or the server does not send the intermediate certificates)',
  CERT_REVOKED: 'it has been revoked',
};

export const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;

/** Refused or cut off before any TLS: the service is down, as for a tcp check. */
export const UNREACHABLE = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ETIMEDOUT']);

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
