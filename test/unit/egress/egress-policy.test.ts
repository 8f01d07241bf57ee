import { describe, expect, it } from 'vitest';
import { EgressConfig, egressPolicy, EgressRefused } from '../../../src/egress/egress-policy.ts';

const dns: Record<string, string[]> = { 'api.example.com': ['93.184.216.34'], 'db.corp': ['10.1.2.3'], 'split.corp': ['10.1.2.4', '8.8.8.8'] };
const resolve = async (host: string) => {
  const found = dns[host];
  if (!found) throw new Error('ENOTFOUND');
  return found;
};

describe('egress.allow', () => {
  const policy = egressPolicy({ allow: ['*.internal', 'api.example.com', '10.0.0.0/8', '127.0.0.1', 'fd00::/8'] }, resolve);

  it.each([
    ['a host pattern', 'billing.internal'],
    ['an exact host', 'API.example.com'],
    ['an address inside a CIDR', '10.20.30.40'],
    ['a single address', '127.0.0.1'],
    ['an IPv6 address in brackets', '[fd00::1]'],
    ['a name that resolves only inside a CIDR', 'db.corp'],
  ])('allows %s', async (_what, host) => {
    await expect(policy?.assertAllowed(host)).resolves.toBeUndefined();
  });

  it.each([
    ['an address outside every CIDR', '192.168.1.1', 'connecting to 192.168.1.1 is not allowed'],
    ['the pattern itself, not only its subdomains', 'internal', 'connecting to internal (it does not resolve'],
    ['a name with one address outside', 'split.corp', 'connecting to split.corp (8.8.8.8) is not allowed'],
    ['a lookalike suffix', 'evil-internal.com', 'connecting to evil-internal.com'],
  ])('refuses %s, naming the rule', async (_what, host, message) => {
    const refused = policy?.assertAllowed(host);
    await expect(refused).rejects.toBeInstanceOf(EgressRefused);
    await expect(refused).rejects.toThrow(message);
    await expect(refused).rejects.toThrow('egress.allow (*.internal, api.example.com, 10.0.0.0/8, 127.0.0.1, fd00::/8)');
  });

  it('allows everything when absent, and validates its rules', () => {
    expect(egressPolicy(undefined, resolve)).toBeUndefined();
    expect(EgressConfig.safeParse({ allow: ['10.0.0.0/33'] }).success).toBe(false);
    expect(EgressConfig.safeParse({ allow: ['http://x'] }).success).toBe(false);
    expect(EgressConfig.safeParse({ allow: [] }).success).toBe(false);
    expect(EgressConfig.safeParse({ allow: ['x'], deny: ['y'] }).success).toBe(false);
  });
});
