import { BlockList, isIP, type LookupFunction } from 'node:net';
import type { LookupAddress } from 'node:dns';
import { lookup } from 'node:dns/promises';
import { z } from 'zod';

/*
 * The optional egress allowlist (`egress.allow` in readiness.yaml): where checks and webhooks may connect. A
 * destination is allowed when its host name matches a host pattern, or when it is an address (or resolves only to
 * addresses) inside an allowed IP or CIDR. Without the key everything is allowed, as before.
 */

const HOST_PATTERN = /^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

/** `api.example.com`, `*.internal`, `127.0.0.1`, `10.0.0.0/8` or `fd00::/8`. */
export const EgressRule = z
  .string()
  .refine((rule) => parseRule(rule) !== undefined, 'a host name, *.domain, an IP address or a CIDR such as 10.0.0.0/8');

export const EgressConfig = z.strictObject({
  /** Hosts, `*.domain` patterns, IPs and CIDRs checks and webhooks may connect to; nothing else. */
  allow: z.array(EgressRule).min(1, 'list at least one host or CIDR (or leave egress out to allow everything)'),
});
export type EgressConfig = z.infer<typeof EgressConfig>;

type Rule = { kind: 'host'; pattern: string } | { kind: 'network'; address: string; prefix: number; family: 'ipv4' | 'ipv6' };

function parseRule(rule: string): Rule | undefined {
  const [address = '', prefixText, extra] = rule.split('/');
  const version = isIP(address);
  if (version !== 0 && extra === undefined) {
    const max = version === 4 ? 32 : 128;
    const prefix = prefixText === undefined ? max : Number(prefixText);
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > max || (prefixText !== undefined && !/^\d+$/.test(prefixText))) return undefined;
    return { kind: 'network', address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
  }
  return prefixText === undefined && HOST_PATTERN.test(rule) ? { kind: 'host', pattern: rule.toLowerCase() } : undefined;
}

/** Resolves a host name to every address it has; the worker's is dns.lookup with `all: true`. */
export type ResolveHost = (host: string) => Promise<string[]>;

/** A destination the allowlist does not cover. Its message names the host, the addresses and the rule. */
export class EgressRefused extends Error {
  readonly code = 'ERR_EGRESS_REFUSED';
  constructor(message: string) {
    super(message);
    this.name = 'EgressRefused';
  }
}

export interface EgressPolicy {
  /** Throws EgressRefused unless `host` may be connected to. */
  assertAllowed(host: string): Promise<void>;
  /** The same for a URL's host (each request and each redirect hop). */
  assertUrlAllowed(url: URL): Promise<void>;
  /**
   * A `lookup` for the connection itself (net/tls `lookup`, undici's `connect.lookup`): resolves the name again and
   * refuses addresses outside the allowlist, so a name that resolves elsewhere after the check (DNS rebinding)
   * is refused too.
   */
  connectLookup: LookupFunction;
}

const stripBrackets = (host: string) =>
  host
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '')
    .toLowerCase();

export function hostPatternMatches(pattern: string, host: string): boolean {
  return pattern.startsWith('*.') ? host.endsWith(pattern.slice(1)) : host === pattern;
}

/** The policy for `config` (undefined: every destination is allowed). */
export function egressPolicy(config: EgressConfig | undefined, resolve: ResolveHost): EgressPolicy | undefined {
  if (config === undefined) return undefined;
  const rules = config.allow.map((rule) => parseRule(rule)).filter((rule): rule is Rule => rule !== undefined);
  const patterns = rules.flatMap((rule) => (rule.kind === 'host' ? [rule.pattern] : []));
  const networks = new BlockList();
  for (const rule of rules) if (rule.kind === 'network') networks.addSubnet(rule.address, rule.prefix, rule.family);
  const addressAllowed = (address: string) => {
    const version = isIP(address);
    return version !== 0 && networks.check(address, version === 4 ? 'ipv4' : 'ipv6');
  };
  const refuse = (what: string) => new EgressRefused(`${what} is not allowed by egress.allow (${config.allow.join(', ')})`);

  const assertAllowed = async (rawHost: string) => {
    const host = stripBrackets(rawHost);
    if (isIP(host) !== 0) {
      if (!addressAllowed(host)) throw refuse(`connecting to ${host}`);
      return;
    }
    if (patterns.some((pattern) => hostPatternMatches(pattern, host))) return;
    let addresses: string[];
    try {
      addresses = await resolve(host);
    } catch {
      throw refuse(`connecting to ${host} (it does not resolve, and no host pattern names it)`);
    }
    const outside = addresses.filter((address) => !addressAllowed(address));
    if (addresses.length === 0 || outside.length > 0)
      throw refuse(`connecting to ${host} (${(outside.length > 0 ? outside : addresses).join(', ')})`);
  };
  const connectLookup: LookupFunction = (hostname, options, callback) => {
    const answer = callback as (error: Error | null, address: string | LookupAddress[], family?: number) => void;
    const resolveAllowed = async (): Promise<LookupAddress[]> => {
      const host = stripBrackets(hostname);
      const addresses = isIP(host) !== 0 ? [host] : await resolve(host);
      const byName = patterns.some((pattern) => hostPatternMatches(pattern, host));
      const outside = addresses.filter((address) => !addressAllowed(address));
      if (!byName && (addresses.length === 0 || outside.length > 0))
        throw refuse(`connecting to ${host} (${(outside.length > 0 ? outside : addresses).join(', ')})`);
      const entries = addresses.map((address) => ({ address, family: isIP(address) }));
      return options.family === 4 || options.family === 6 ? entries.filter((entry) => entry.family === options.family) : entries;
    };
    resolveAllowed().then(
      (entries) => {
        const [first] = entries;
        if (options.all) answer(null, entries);
        else if (first) answer(null, first.address, first.family);
        else answer(Object.assign(new Error(`${hostname} has no address of family ${String(options.family)}`), { code: 'ENOTFOUND' }), '');
      },
      (error: Error) => answer(error, ''),
    );
  };
  return { assertAllowed, assertUrlAllowed: (url) => assertAllowed(url.hostname), connectLookup };
}

/** The system resolver (what the connection itself will use): every address of the host. */
export const systemResolveHost: ResolveHost = async (host) => (await lookup(host, { all: true })).map((entry) => entry.address);
