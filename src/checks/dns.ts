import { Resolver, lookup } from 'node:dns/promises';
import { SocketAddress, isIP, isIPv4, isIPv6 } from 'node:net';
import { z } from 'zod';
import { CheckBase } from './check-base.ts';
import type { CheckContext, CheckOutcome, UnmetCheck } from './check.types.ts';
import { evidenceString, evidenceStrings, quoted, timedOutAfter } from './evidence.ts';

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

/** One spelling per address, so `0:0:0:0:0:0:0:1` and `::1` compare equal. */
function canonical(address: string): string {
  const family = isIP(address);
  if (family === 0) return address;
  return new SocketAddress({ address, family: family === 4 ? 'ipv4' : 'ipv6' }).address;
}

/** Settles with `promise`, or rejects with the abort reason as soon as `signal` aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    void promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

async function resolveAddresses(spec: DnsCheckSpec, signal: AbortSignal): Promise<string[]> {
  signal.throwIfAborted();
  if (spec.resolver === 'system') {
    // getaddrinfo cannot be cancelled; on abort its late answer is simply ignored.
    const answers = await untilAborted(lookup(spec.hostname, { all: true, family: spec.recordType === 'A' ? 4 : 6 }), signal);
    return answers.map((answer) => answer.address);
  }
  const resolver = new Resolver();
  if (spec.nameservers !== undefined) resolver.setServers(spec.nameservers);
  const onAbort = () => resolver.cancel();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    return spec.recordType === 'A' ? await resolver.resolve4(spec.hostname) : await resolver.resolve6(spec.hostname);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

export async function runDnsCheck(spec: DnsCheckSpec, context: CheckContext): Promise<CheckOutcome> {
  const startedAt = context.now();
  const base = {
    hostname: spec.hostname,
    recordType: spec.recordType,
    resolver: spec.resolver,
    ...(spec.nameservers === undefined ? {} : { nameservers: spec.nameservers }),
  };
  let answers: string[];
  try {
    answers = await resolveAddresses(spec, context.signal);
  } catch (error) {
    // A cancelled query rejects with ECANCELLED; report the abort itself, as the other checks do.
    if (context.signal.aborted) throw context.signal.reason;
    const code = (error as NodeJS.ErrnoException).code;
    const evidence = { ...base, error: code ?? (error as Error).message };
    if (code === 'ENOTFOUND') {
      return { status: 'FAIL', message: `${spec.hostname} does not resolve: no ${spec.recordType} address found (ENOTFOUND)`, evidence };
    }
    if (code === 'ENODATA') {
      return {
        status: 'FAIL',
        message: `${spec.hostname} does not resolve to an ${spec.recordType} address: the name exists but has no ${spec.recordType} records (ENODATA)`,
        evidence,
      };
    }
    return { status: 'ERROR', message: `could not resolve ${spec.hostname}: ${code ?? (error as Error).message}`, evidence };
  }
  const lookupMs = Math.round(context.now() - startedAt);
  const addresses = [...new Set(answers.map(canonical))];
  const expected = spec.expectAddresses?.map(canonical);
  const missing = expected?.filter((address) => !addresses.includes(address)) ?? [];
  const evidence = {
    ...base,
    addresses,
    lookupMs,
    ...(expected === undefined ? {} : { expectAddresses: expected, missing }),
  };
  if (addresses.length === 0) {
    return { status: 'FAIL', message: `${spec.hostname} does not resolve: the answer held no ${spec.recordType} address`, evidence };
  }
  if (expected !== undefined && missing.length > 0) {
    return {
      status: 'FAIL',
      message: `${spec.hostname} resolves to ${addresses.join(', ')}, expected ${expected.join(', ')} (missing ${missing.join(', ')})`,
      evidence,
    };
  }
  const including = expected === undefined ? '' : ', including every expected address';
  return { status: 'PASS', message: `${spec.hostname} resolves to ${addresses.join(', ')}${including} (${lookupMs} ms)`, evidence };
}

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
