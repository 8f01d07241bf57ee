import { describe, expect, it } from 'vitest';
import { CheckSpec } from '../../../src/checks/registry.ts';

const base = { id: 'c', name: 'C' };
const parse = (fields: Record<string, unknown>) => CheckSpec.parse({ ...base, ...fields });
/** Each problem as `path: message`, or [] when the spec is valid. */
const problems = (fields: Record<string, unknown>) => {
  const result = CheckSpec.safeParse({ ...base, ...fields });
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

describe('check specs', () => {
  it('rejects a type no check implements, and a spec without a type', () => {
    expect(CheckSpec.safeParse({ ...base, type: 'smtp', host: 'mail.example.com' }).success).toBe(false);
    expect(CheckSpec.safeParse({ ...base, host: 'db.example.com', port: 5432 }).success).toBe(false);
  });

  describe('tcp', () => {
    it('needs a host and a port, and applies the shared defaults', () => {
      expect(parse({ type: 'tcp', host: 'db.example.com', port: 5432 })).toEqual({
        ...base,
        type: 'tcp',
        host: 'db.example.com',
        port: 5432,
        category: 'infrastructure',
        severity: 'high',
        timeoutMs: 5000,
      });
      expect(problems({ type: 'tcp', port: 5432 })).toEqual([expect.stringMatching(/^host: /)]);
      expect(problems({ type: 'tcp', host: 'db.example.com' })).toEqual([expect.stringMatching(/^port: /)]);
    });

    it('rejects a port outside 1–65535 or not a whole number', () => {
      for (const port of [0, 65536, -1, 80.5, '5432']) {
        expect(problems({ type: 'tcp', host: 'db.example.com', port }), String(port)).toEqual([expect.stringMatching(/^port: /)]);
      }
      expect(problems({ type: 'tcp', host: 'db.example.com', port: 65535 })).toEqual([]);
      expect(problems({ type: 'tcp', host: '', port: 1 })).toEqual([expect.stringMatching(/^host: /)]);
    });
  });

  describe('dns', () => {
    it('defaults to A records through the system resolver', () => {
      expect(parse({ type: 'dns', hostname: 'api.example.com' })).toMatchObject({ type: 'dns', recordType: 'A', resolver: 'system' });
      expect(parse({ type: 'dns', hostname: 'api.example.com' })).not.toHaveProperty('expectAddresses');
    });

    it('accepts expected addresses of the family the record type returns, and only IP addresses', () => {
      expect(problems({ type: 'dns', hostname: 'a.example', expectAddresses: ['10.0.0.1', '10.0.0.2'] })).toEqual([]);
      expect(problems({ type: 'dns', hostname: 'a.example', recordType: 'AAAA', expectAddresses: ['2001:db8::1'] })).toEqual([]);
      expect(problems({ type: 'dns', hostname: 'a.example', expectAddresses: ['2001:db8::1'] })).toEqual([
        'expectAddresses.0: 2001:db8::1 is not an IPv4 address, so an A lookup can never return it',
      ]);
      expect(problems({ type: 'dns', hostname: 'a.example', expectAddresses: ['lb.example.com'] })).toEqual([
        expect.stringMatching(/^expectAddresses\.0: /),
      ]);
      expect(problems({ type: 'dns', hostname: 'a.example', expectAddresses: [] })).toEqual([expect.stringMatching(/^expectAddresses: /)]);
    });

    it('rejects record types and resolvers it does not support', () => {
      expect(problems({ type: 'dns', hostname: 'a.example', recordType: 'MX' })).toEqual([expect.stringMatching(/^recordType: /)]);
      expect(problems({ type: 'dns', hostname: 'a.example', resolver: 'doh' })).toEqual([expect.stringMatching(/^resolver: /)]);
      expect(problems({ type: 'dns' })).toEqual([expect.stringMatching(/^hostname: /)]);
    });

    it('takes nameservers, as IP addresses with an optional port, only with resolver: dns', () => {
      const servers = ['1.1.1.1', '10.0.0.53:5353', '2001:db8::53', '[2001:db8::53]:5353'];
      expect(problems({ type: 'dns', hostname: 'a.example', resolver: 'dns', nameservers: servers })).toEqual([]);
      expect(problems({ type: 'dns', hostname: 'a.example', resolver: 'dns', nameservers: ['ns1.example.com'] })).toEqual([
        expect.stringMatching(/^nameservers\.0: an IP address/),
      ]);
      expect(problems({ type: 'dns', hostname: 'a.example', resolver: 'dns', nameservers: ['1.1.1.1:70000'] })).toHaveLength(1);
      expect(problems({ type: 'dns', hostname: 'a.example', nameservers: ['1.1.1.1'] })).toEqual([
        'nameservers: nameservers needs resolver: dns (the system resolver uses the host configuration)',
      ]);
    });
  });

  describe('tls', () => {
    it('defaults to port 443, a 30-day warning and a 7-day failure threshold, and the built-in CAs', () => {
      const spec = parse({ type: 'tls', host: 'api.example.com' });
      expect(spec).toMatchObject({ type: 'tls', host: 'api.example.com', port: 443, warnDays: 30, failDays: 7, timeoutMs: 5000 });
      expect(spec).not.toHaveProperty('servername');
      expect(spec).not.toHaveProperty('caFile');
      expect(parse({ type: 'tls', host: '10.0.0.5', port: 8443, servername: 'api.internal', caFile: '/etc/ssl/internal-ca.pem' })).toMatchObject({
        port: 8443,
        servername: 'api.internal',
        caFile: '/etc/ssl/internal-ca.pem',
      });
    });

    it('rejects failDays that are not below warnDays, saying both', () => {
      expect(problems({ type: 'tls', host: 'a.example', warnDays: 14, failDays: 14 })).toEqual([
        'failDays: failDays (14) must be less than warnDays (14)',
      ]);
      expect(problems({ type: 'tls', host: 'a.example', warnDays: 10, failDays: 20 })).toEqual([
        'failDays: failDays (20) must be less than warnDays (10)',
      ]);
      // The defaults take part: a warnDays at or below the default failDays of 7 needs its own failDays.
      expect(problems({ type: 'tls', host: 'a.example', warnDays: 5 })).toEqual(['failDays: failDays (7) must be less than warnDays (5)']);
      expect(problems({ type: 'tls', host: 'a.example', warnDays: 5, failDays: 0 })).toEqual([]);
    });

    it('rejects a bad port, non-whole or negative days, and a missing host', () => {
      expect(problems({ type: 'tls', host: 'a.example', port: 0 })).toEqual([expect.stringMatching(/^port: /)]);
      expect(problems({ type: 'tls', host: 'a.example', port: 70000 })).toEqual([expect.stringMatching(/^port: /)]);
      expect(problems({ type: 'tls', host: 'a.example', warnDays: 0, failDays: 0 }).some((p) => p.startsWith('warnDays: '))).toBe(true);
      expect(problems({ type: 'tls', host: 'a.example', failDays: -1 }).some((p) => p.startsWith('failDays: '))).toBe(true);
      expect(problems({ type: 'tls', host: 'a.example', warnDays: 7.5 }).some((p) => p.startsWith('warnDays: '))).toBe(true);
      expect(problems({ type: 'tls' })).toEqual([expect.stringMatching(/^host: /)]);
    });
  });
});
