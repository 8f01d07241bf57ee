import { describe, expect, it } from 'vitest';
import { CheckSpec } from '../../../src/checks/registry.ts';
import { classifyCertificate } from '../../../src/probes/tls-certificate.ts';
import type { CheckOutcome } from '../../../src/checks/check.types.ts';
import { buildReport, type ReportInput } from '../../../src/readiness/report.ts';

const TARGET = { service: 'checkout', environment: 'production' };

type Outcome = ReportInput['outcome'];
const outcome = (status: Outcome['status'], message: string, evidence: Record<string, unknown> = {}): Outcome => ({
  status,
  message,
  evidence,
  durationMs: status === 'PENDING' ? null : 10,
});
const measured = (result: CheckOutcome): Outcome => ({ ...result, durationMs: 10 });

/** The one recommendation the report gives for a single check. */
function recommendationFor(fields: Record<string, unknown>, result: Outcome): string | undefined {
  const spec = CheckSpec.parse({ id: 'c', name: 'The check', ...fields });
  const report = buildReport(TARGET, [{ spec, outcome: result }]);
  expect(report.recommendations.length).toBeLessThanOrEqual(1);
  return report.recommendations[0];
}

describe('recommendations: each check type has its own default, with the numbers', () => {
  it('http: latency, status, redirect, body, JSON, unreachable and TLS', () => {
    const http = (extra: Record<string, unknown> = {}) => ({ type: 'http', url: 'https://api.example.com/search', ...extra });
    expect(recommendationFor(http({ maxLatencyMs: 250 }), outcome('WARN', 'slower', { status: 200, latencyMs: 812, maxLatencyMs: 250 }))).toBe(
      'The check: Bring https://api.example.com/search under 250 ms (measured 812 ms): profile the endpoint or scale it',
    );
    expect(recommendationFor(http(), outcome('FAIL', 'answered 503', { status: 503, expectedStatus: [200] }))).toBe(
      'The check: Make https://api.example.com/search answer 200 (it answered 503)',
    );
    expect(recommendationFor(http({ followRedirects: false }), outcome('FAIL', 'redirect', { status: 302, redirectTo: '/login' }))).toBe(
      'The check: Point the check at the final address, or expect the redirect (expectStatus: 302): https://api.example.com/search answered 302, a redirect to /login',
    );
    expect(recommendationFor(http({ bodyContains: 'ok' }), outcome('FAIL', 'no ok', { status: 200, bodyContains: 'ok' }))).toBe(
      'The check: Make https://api.example.com/search include "ok" in its body (it answered 200)',
    );
    const json = { json: { path: '$.db', equals: 'up' } };
    expect(recommendationFor(http(json), outcome('FAIL', 'wrong', { status: 200, jsonPath: '$.db', actual: 'down', expected: 'up' }))).toBe(
      'The check: Make https://api.example.com/search answer $.db = "up" (now "down")',
    );
    expect(recommendationFor(http(json), outcome('FAIL', 'missing', { status: 200, jsonPath: '$.db' }))).toBe(
      'The check: Make https://api.example.com/search answer $.db = "up" (its JSON has no $.db)',
    );
    expect(recommendationFor(http(json), outcome('ERROR', 'not JSON', { status: 200, bodyStart: '<html>maintenance</html>' }))).toBe(
      'The check: Make https://api.example.com/search answer JSON, so $.db can be checked (it answered "<html>maintenance</html>")',
    );
    expect(recommendationFor(http(), outcome('FAIL', 'not reachable', { error: 'ECONNREFUSED' }))).toBe(
      'The check: Bring https://api.example.com/search back up, or fix the url: it is not reachable (ECONNREFUSED)',
    );
    expect(recommendationFor(http(), outcome('FAIL', 'tls', { error: 'ERR_SSL_WRONG_VERSION_NUMBER' }))).toMatch(
      /Serve TLS on the port of https:\/\/api.example.com\/search, or use http:\/\/ if it is a plain-HTTP port/,
    );
    expect(
      recommendationFor(http(), outcome('FAIL', 'tls', { error: 'DEPTH_ZERO_SELF_SIGNED_CERT', tlsProblem: 'the certificate is self-signed' })),
    ).toBe(
      'The check: Fix the certificate of https://api.example.com/search: the certificate is self-signed (DEPTH_ZERO_SELF_SIGNED_CERT); serve one from a trusted CA that covers the host name',
    );
    expect(recommendationFor(http({ timeoutMs: 2000 }), outcome('ERROR', 'no answer within the 2000 ms timeout', { timeoutMs: 2000 }))).toBe(
      'The check: Make https://api.example.com/search answer within the 2000 ms timeout (it did not): check that it is up and not overloaded, or raise timeoutMs',
    );
  });

  it('tls: the days left against both thresholds, expiry, trust and the name', () => {
    const tls = { type: 'tls', host: 'api.example.com' };
    const now = new Date('2026-06-15T12:00:00Z');
    const facts = (days: number, overrides: Partial<Parameters<typeof classifyCertificate>[0]> = {}) => ({
      label: 'api.example.com:443',
      servername: 'api.example.com',
      subject: 'CN=api.example.com',
      issuer: 'CN=Example CA',
      issuedBy: 'Example CA',
      names: ['api.example.com'],
      validFrom: new Date(now.getTime() - 30 * 86_400_000),
      validTo: new Date(now.getTime() + days * 86_400_000),
      chainError: undefined,
      identityError: undefined,
      ...overrides,
    });
    const classified = (days: number, overrides = {}) => measured(classifyCertificate(facts(days, overrides), { warnDays: 30, failDays: 7 }, now));
    expect(recommendationFor(tls, classified(9.5))).toBe(
      'The check: Renew the certificate for api.example.com:443 — it expires in 9 days (warn at 30, fail at 7)',
    );
    expect(recommendationFor(tls, classified(3.5))).toBe(
      'The check: Renew the certificate for api.example.com:443 — it expires in 3 days (warn at 30, fail at 7)',
    );
    expect(recommendationFor(tls, classified(-2.5))).toBe(
      'The check: Renew the certificate for api.example.com:443 — it expired on 2026-06-13 (warn at 30, fail at 7)',
    );
    expect(recommendationFor(tls, classified(90, { chainError: 'DEPTH_ZERO_SELF_SIGNED_CERT' }))).toBe(
      'The check: Serve a certificate for api.example.com:443 from a trusted CA, or set caFile to the private CA (it is self-signed: DEPTH_ZERO_SELF_SIGNED_CERT)',
    );
    expect(
      recommendationFor(tls, classified(90, { names: ['other.example'], identityError: "Hostname/IP does not match certificate's altnames" })),
    ).toBe('The check: Serve a certificate for api.example.com:443 that covers api.example.com (it covers other.example)');
    expect(
      recommendationFor(
        { ...tls, port: 8080 },
        outcome('ERROR', 'not TLS', { host: 'api.example.com', port: 8080, error: 'ERR_SSL_WRONG_VERSION_NUMBER' }),
      ),
    ).toBe('The check: Point the check at the TLS port of api.example.com: port 8080 does not speak TLS (ERR_SSL_WRONG_VERSION_NUMBER)');
    expect(recommendationFor(tls, outcome('ERROR', 'unresolvable', { error: 'ENOTFOUND' }))).toBe(
      'The check: Fix the host name api.example.com: it does not resolve (ENOTFOUND), so its certificate was not checked',
    );
  });

  it('tcp: a refused port, an unreachable host and a name that does not resolve', () => {
    const tcp = { type: 'tcp', host: 'db.internal', port: 5432 };
    expect(recommendationFor(tcp, outcome('FAIL', 'refuses', { host: 'db.internal', port: 5432, error: 'ECONNREFUSED' }))).toBe(
      'The check: Open port 5432 on db.internal or fix the service listening on it (db.internal:5432 refuses connections)',
    );
    expect(recommendationFor(tcp, outcome('FAIL', 'unreachable', { error: 'EHOSTUNREACH' }))).toBe(
      'The check: Make db.internal:5432 reachable from here: check the host, the network path and firewalls (EHOSTUNREACH)',
    );
    expect(recommendationFor(tcp, outcome('ERROR', 'unresolvable', { error: 'ENOTFOUND' }))).toBe(
      'The check: Fix the host name db.internal: it does not resolve (ENOTFOUND), so port 5432 was not tested',
    );
  });

  it('dns: the missing addresses, and a name that does not resolve', () => {
    const dns = { type: 'dns', hostname: 'api.example.com', expectAddresses: ['10.0.0.2', '10.0.0.3'] };
    expect(recommendationFor(dns, outcome('FAIL', 'missing', { addresses: ['10.0.0.1', '10.0.0.2'], missing: ['10.0.0.3'] }))).toBe(
      'The check: Point the A records of api.example.com at 10.0.0.3 (missing; it resolves to 10.0.0.1, 10.0.0.2)',
    );
    expect(recommendationFor(dns, outcome('FAIL', 'does not resolve', { error: 'ENOTFOUND' }))).toBe(
      "The check: Publish an A record for api.example.com: this host's resolver found none (ENOTFOUND)",
    );
  });

  it('prometheus: the bound to meet and the value now, for fail and warn; and a query without one series', () => {
    const prometheus = { type: 'prometheus', url: 'http://prometheus:9090', query: 'sum(rate(errors[5m]))', comparator: '<', warn: 0.01, fail: 0.05 };
    expect(recommendationFor(prometheus, outcome('FAIL', 'too high', { value: 0.07 }))).toBe(
      'The check: Bring `sum(rate(errors[5m]))` under 0.05 (now 0.07)',
    );
    expect(recommendationFor(prometheus, outcome('WARN', 'high', { value: 0.02 }))).toBe(
      'The check: Bring `sum(rate(errors[5m]))` under 0.01, its warn threshold (now 0.02; it fails unless < 0.05)',
    );
    expect(recommendationFor({ ...prometheus, comparator: '>=', fail: 99.9, warn: undefined }, outcome('FAIL', 'low', { value: 99.5 }))).toBe(
      'The check: Bring `sum(rate(errors[5m]))` to at least 99.9 (now 99.5)',
    );
    expect(recommendationFor(prometheus, outcome('ERROR', 'several', { series: 3 }))).toBe(
      'The check: Make `sum(rate(errors[5m]))` return one series instead of 3, e.g. with sum()',
    );
  });

  it('postgres: failed and pending migrations and a refused connection, never with the password', () => {
    const postgres = { type: 'postgres', url: 'postgresql://app:s3cret-pw@db:5432/app', checkMigrations: true };
    expect(recommendationFor(postgres, outcome('FAIL', 'pending', { pendingMigrations: ['20250101_a', '20250201_b'], failedMigrations: [] }))).toBe(
      'The check: Run prisma migrate deploy against postgresql://app:***@db:5432/app: 2 migrations pending (20250101_a, 20250201_b)',
    );
    expect(recommendationFor(postgres, outcome('FAIL', 'failed', { failedMigrations: ['20250101_a'] }))).toBe(
      'The check: Fix 1 failed migration in postgresql://app:***@db:5432/app (20250101_a), then mark it with prisma migrate resolve and deploy again',
    );
    const refused = recommendationFor(postgres, outcome('FAIL', 'cannot connect', { error: 'connect ECONNREFUSED 10.0.0.5:5432' }));
    expect(refused).toBe(
      'The check: Make postgresql://app:***@db:5432/app accept connections from the check (connect ECONNREFUSED 10.0.0.5:5432): check that it is up, and the host, database and credentials',
    );
    expect(refused).not.toContain('s3cret-pw');
  });

  it('redis: memory above the ceiling or the warning level, both sizes given', () => {
    const MiB = 1024 * 1024;
    const redis = { type: 'redis', url: 'redis://cache:6379', warnMemoryBytes: 256 * MiB, maxMemoryBytes: 512 * MiB };
    expect(recommendationFor(redis, outcome('FAIL', 'above', { usedMemoryBytes: 600 * MiB }))).toBe(
      'The check: Bring Redis at redis://cache:6379 under 512.0 MiB of memory (now 600.0 MiB): expire or evict keys, or raise maxMemoryBytes with the instance',
    );
    expect(recommendationFor(redis, outcome('WARN', 'above warn', { usedMemoryBytes: 300 * MiB }))).toBe(
      'The check: Bring Redis at redis://cache:6379 under 256.0 MiB of memory (now 300.0 MiB; it fails above 512.0 MiB): expire or evict keys before it grows further',
    );
  });

  it('webhook: act on what the team reported, or fix an endpoint that answered garbage', () => {
    const webhook = { type: 'webhook', url: 'https://flags.example.com/readiness' };
    expect(recommendationFor(webhook, outcome('FAIL', 'feature flags: 3 stale'))).toBe(
      'The check: Act on what the webhook https://flags.example.com/readiness reported (fail), then run the assessment again: feature flags: 3 stale',
    );
    expect(recommendationFor(webhook, outcome('ERROR', 'answered HTTP 500', { httpStatus: 500 }))).toBe(
      'The check: Make the webhook https://flags.example.com/readiness answer HTTP 2xx with {"status", "message"} (it answered HTTP 500)',
    );
    expect(recommendationFor(webhook, outcome('ERROR', 'the webhook answered garbage: not JSON', { httpStatus: 200 }))).toBe(
      'The check: Make the webhook https://flags.example.com/readiness answer {"status": "pass" | "warn" | "fail", "message": "…"}: the webhook answered garbage: not JSON',
    );
  });

  it('manual: who must attest it, with the command that offers the Attest button, and how long it holds', () => {
    const manual = { type: 'manual', name: 'Runbook reviewed', role: 'release-manager', validFor: '12h' };
    const spec = CheckSpec.parse({ id: 'runbook', ...manual });
    const report = buildReport(TARGET, [{ spec, outcome: outcome('PENDING', 'waiting for a member of the release-manager role to attest it') }]);
    expect(report.recommendations).toEqual([
      'Runbook reviewed: Ask a member of the release-manager role to attest "Runbook reviewed" in Slack (/readiness run checkout production, then the Attest button); the attestation holds for 12h',
    ]);
  });
});

describe('recommendations: which advice, and in what order', () => {
  it('a configured remediation wins over the type default, with what was measured', () => {
    const spec = CheckSpec.parse({
      id: 'c',
      name: 'Search',
      type: 'http',
      url: 'https://x.example/s',
      maxLatencyMs: 250,
      remediation: 'Profile the search query.',
    });
    const report = buildReport(TARGET, [
      { spec, outcome: outcome('WARN', 'answered 200 in 812 ms, slower than the 250 ms ceiling', { latencyMs: 812 }) },
    ]);
    expect(report.recommendations).toEqual(['Search: Profile the search query. (answered 200 in 812 ms, slower than the 250 ms ceiling)']);
  });

  it('gives none for passing and skipped checks, and puts the weightiest first', () => {
    const http = (id: string, severity: string) => CheckSpec.parse({ id, name: id, type: 'http', url: `https://x.example/${id}`, severity });
    const report = buildReport(TARGET, [
      { spec: http('low-one', 'low'), outcome: outcome('FAIL', 'x', { status: 500 }) },
      { spec: http('fine', 'critical'), outcome: outcome('PASS', 'ok', { status: 200 }) },
      { spec: http('skipped', 'critical'), outcome: outcome('SKIPPED', 'not here') },
      { spec: http('critical-one', 'critical'), outcome: outcome('FAIL', 'x', { status: 503 }) },
    ]);
    expect(report.recommendations).toEqual([
      'critical-one: Make https://x.example/critical-one answer 200 (it answered 503)',
      'low-one: Make https://x.example/low-one answer 200 (it answered 500)',
    ]);
  });

  it('falls back to the measurement where the type has nothing more specific, or the spec is only partly known', () => {
    const spec = CheckSpec.parse({ id: 'c', name: 'Health', type: 'http', url: 'https://x.example/h' });
    const pending = buildReport(TARGET, [{ spec, outcome: outcome('PENDING', 'no result was recorded') }]);
    expect(pending.recommendations).toEqual(['Health: no result was recorded']);
    const partial = buildReport(TARGET, [{ spec, outcome: outcome('FAIL', 'answered 503', { status: 503 }), partialSpec: true }]);
    expect(partial.recommendations).toEqual(['Health: answered 503']);
  });
});
