import { Resolver, lookup } from 'node:dns/promises';
import { SocketAddress, isIP } from 'node:net';
import type { CheckContext, CheckOutcome } from '../checks/check.types.ts';
import type { DnsCheckSpec } from '../checks/specs/dns.ts';

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
