import { describe, expect, it } from 'vitest';
import { classifyCertificate, type CertificateFacts } from '../../../src/probes/tls-certificate.ts';

const DAY = 86_400_000;
const now = new Date('2026-06-15T12:00:00Z');
const at = (days: number) => new Date(now.getTime() + days * DAY);

const facts = (overrides: Partial<CertificateFacts> = {}): CertificateFacts => ({
  label: 'api.example.com:443',
  servername: 'api.example.com',
  subject: 'CN=api.example.com',
  issuer: 'CN=Example CA, O=Example',
  issuedBy: 'Example CA',
  names: ['api.example.com'],
  validFrom: at(-30),
  validTo: at(60.5),
  chainError: undefined,
  identityError: undefined,
  ...overrides,
});
const thresholds = { warnDays: 30, failDays: 7 };

describe('classifyCertificate', () => {
  it('passes with time to spare, naming the days left, the date and the issuer', () => {
    expect(classifyCertificate(facts(), thresholds, now)).toMatchObject({
      status: 'PASS',
      message: 'the certificate for api.example.com:443 is valid for 60 more days (until 2026-08-15), issued by Example CA',
      evidence: { daysLeft: 60, authorized: true, authorizationError: undefined, validTo: '2026-08-15T00:00:00.000Z' },
    });
  });

  it('fails an expired certificate, saying when it expired', () => {
    expect(classifyCertificate(facts({ validTo: at(-3.2) }), thresholds, now)).toMatchObject({
      status: 'FAIL',
      message: 'the certificate for api.example.com:443 expired on 2026-06-12 (3 days ago); renew it',
      evidence: { daysLeft: -3 },
    });
    expect(classifyCertificate(facts({ validTo: at(-0.1) }), thresholds, now).message).toMatch(/expired on 2026-06-15 \(today\)/);
    expect(classifyCertificate(facts({ validTo: now }), thresholds, now).status).toBe('FAIL');
  });

  it('reports expiry before an untrusted chain: renewing is the fix either way', () => {
    const outcome = classifyCertificate(facts({ validTo: at(-1.5), chainError: 'CERT_HAS_EXPIRED' }), thresholds, now);
    expect(outcome.message).toMatch(/expired on/);
    expect(outcome.evidence).toMatchObject({ authorized: false, authorizationError: 'CERT_HAS_EXPIRED' });
  });

  it('fails a certificate that is not valid yet', () => {
    const outcome = classifyCertificate(facts({ validFrom: at(2) }), thresholds, now);
    expect(outcome).toMatchObject({ status: 'FAIL' });
    expect(outcome.message).toMatch(/is not valid until 2026-06-17T12:00:00.000Z/);
  });

  it('fails an untrusted chain, explaining the OpenSSL code', () => {
    expect(classifyCertificate(facts({ chainError: 'DEPTH_ZERO_SELF_SIGNED_CERT' }), thresholds, now).message).toBe(
      'the certificate for api.example.com:443 is not trusted: it is self-signed (DEPTH_ZERO_SELF_SIGNED_CERT); serve a certificate from a trusted CA or set caFile to the private CA',
    );
    expect(classifyCertificate(facts({ chainError: 'SOMETHING_ELSE' }), thresholds, now).message).toMatch(
      /its chain does not verify \(SOMETHING_ELSE\)/,
    );
  });

  it('fails a certificate that does not cover the servername, listing what it covers', () => {
    const outcome = classifyCertificate(
      facts({ names: ['www.example.com', 'example.com'], identityError: "Hostname/IP does not match certificate's altnames" }),
      thresholds,
      now,
    );
    expect(outcome).toMatchObject({
      status: 'FAIL',
      message: 'the certificate for api.example.com:443 covers www.example.com, example.com, not api.example.com',
      evidence: { authorized: false },
    });
  });

  it('fails below failDays and warns below warnDays; each threshold itself is on the safe side', () => {
    const status = (daysLeft: number) => classifyCertificate(facts({ validTo: at(daysLeft + 0.5) }), thresholds, now).status;
    expect([0, 6, 7, 29, 30].map(status)).toEqual(['FAIL', 'FAIL', 'WARN', 'WARN', 'PASS']);
    expect(classifyCertificate(facts({ validTo: at(6.5) }), thresholds, now).message).toBe(
      'the certificate for api.example.com:443 expires in 6 days (on 2026-06-22), fewer than the 7-day minimum; renew it now',
    );
    expect(classifyCertificate(facts({ validTo: at(0.5) }), thresholds, now).message).toMatch(/expires in less than a day/);
    expect(classifyCertificate(facts({ validTo: at(12.5) }), thresholds, now).message).toBe(
      'the certificate for api.example.com:443 expires in 12 days (on 2026-06-28), within the 30-day warning window; renew it soon',
    );
  });
});
