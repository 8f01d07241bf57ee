import { describe, expect, it } from 'vitest';
import { describeTlsProblem } from '../../../src/probes/net-errors.ts';

const OPENSSL_DUMP =
  '80FC4146127F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/openssl/ssl/record/ssl3_record.c:350:\n';

describe('describeTlsProblem', () => {
  it("says a plain-text port does not speak TLS, from OpenSSL's reason or, without one, from its dump", () => {
    expect(describeTlsProblem({ code: 'ERR_SSL_WRONG_VERSION_NUMBER', message: OPENSSL_DUMP, reason: 'wrong version number' })).toBe(
      'the port does not speak TLS (wrong version number)',
    );
    expect(describeTlsProblem({ code: 'ERR_SSL_WRONG_VERSION_NUMBER', message: OPENSSL_DUMP })).toBe(
      'the port does not speak TLS (wrong version number)',
    );
  });

  it('names certificate problems in words, and other handshake failures with their reason', () => {
    expect(describeTlsProblem({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT', message: 'self-signed certificate' })).toBe('the certificate is self-signed');
    expect(describeTlsProblem({ code: 'CERT_HAS_EXPIRED', message: 'certificate has expired' })).toBe('the certificate has expired');
    expect(describeTlsProblem({ code: 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE', message: 'x', reason: 'sslv3 alert handshake failure' })).toBe(
      'the TLS handshake failed (sslv3 alert handshake failure)',
    );
  });
});
