import type { CheckOutcome } from '../checks/check.types.ts';
import { CHAIN_ERRORS, plural } from '../checks/specs/tls.ts';

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

const day = (date: Date) => date.toISOString().slice(0, 10);

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
