import { isIP, isIPv4, isIPv6 } from 'node:net';
import { z } from 'zod';
import { CheckBase } from '../check-base.ts';
import type { UnmetCheck } from '../check.types.ts';
import { evidenceString, evidenceStrings, quoted, timedOutAfter } from '../evidence.ts';

/** `1.1.1.1`, `1.1.1.1:5353`, `2001:db8::1` or `[2001:db8::1]:5353`: the forms `Resolver.setServers` accepts. */
function isNameserver(value: string): boolean {
  const validPort = (port: string | undefined) => port === undefined || (Number(port) >= 1 && Number(port) <= 65535);
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(value);
  if (bracketed) return isIPv6(bracketed[1] ?? '') && validPort(bracketed[2]);
  if (isIP(value) !== 0) return true;
  const withPort = /^([^:]+):(\d{1,5})$/.exec(value);
  return withPort !== null && isIPv4(withPort[1] ?? '') && validPort(withPort[2]);
}

export const DnsCheckSpec = CheckBase.extend({
  type: z.literal('dns'),
  hostname: z.string().min(1).max(253),
  /** @defaultValue 'A' */
  recordType: z.enum(['A', 'AAAA']).default('A'),
  /** Every one of these must be among the answers; further answers are allowed. */
  expectAddresses: z
    .array(z.union([z.ipv4(), z.ipv6()]))
    .min(1)
    .optional(),
  /**
   * `system`: the host's resolver (getaddrinfo: /etc/hosts, nsswitch, the configured DNS), as the service's
   * clients on this host would see the name. `dns`: DNS queries only, to `nameservers` or the system's DNS servers.
   * @defaultValue 'system'
   */
  resolver: z.enum(['system', 'dns']).default('system'),
  /** Only with `resolver: dns`. */
  nameservers: z.array(z.string().refine(isNameserver, 'an IP address, optionally with a port (1.1.1.1:53, [2001:db8::1]:53)')).min(1).optional(),
}).superRefine((spec, ctx) => {
  const family = spec.recordType === 'A' ? 4 : 6;
  spec.expectAddresses?.forEach((address, index) => {
    if (isIP(address) !== family) {
      ctx.addIssue({
        code: 'custom',
        path: ['expectAddresses', index],
        message: `${address} is not an IPv${family} address, so an ${spec.recordType} lookup can never return it`,
      });
    }
  });
  if (spec.nameservers !== undefined && spec.resolver !== 'dns') {
    ctx.addIssue({
      code: 'custom',
      path: ['nameservers'],
      message: 'nameservers needs resolver: dns (the system resolver uses the host configuration)',
    });
  }
});
export type DnsCheckSpec = z.infer<typeof DnsCheckSpec>;

/** What to do about a dns check that did not pass, naming the missing addresses. Pure. */
export function recommendDns(spec: DnsCheckSpec, outcome: UnmetCheck): string | undefined {
  const resolver = spec.resolver === 'dns' ? `the DNS servers${spec.nameservers ? ` ${spec.nameservers.join(', ')}` : ''}` : "this host's resolver";
  const timeoutMs = timedOutAfter(outcome);
  if (timeoutMs !== undefined)
    return `Make ${resolver} answer for ${spec.hostname} within the ${timeoutMs} ms timeout (it did not), or raise timeoutMs`;
  const { evidence } = outcome;
  const missing = evidenceStrings(evidence, 'missing');
  const addresses = evidenceStrings(evidence, 'addresses');
  if (outcome.status === 'FAIL' && missing.length > 0) {
    return `Point the ${spec.recordType} records of ${spec.hostname} at ${missing.join(', ')} (missing; it resolves to ${addresses.join(', ') || 'nothing'})`;
  }
  const code = evidenceString(evidence, 'error');
  if (outcome.status === 'FAIL') {
    return `Publish an ${spec.recordType} record for ${spec.hostname}: ${resolver} found none${code ? ` (${code})` : ''}`;
  }
  if (outcome.status === 'ERROR') return `Fix name resolution for ${spec.hostname} through ${resolver}: ${quoted(outcome)}`;
  return undefined;
}
