import { z } from 'zod';
import type { CheckRunner } from './check.types.ts';
import { HttpCheckSpec, runHttpCheck } from './http.ts';
import { PostgresCheckSpec, runPostgresCheck } from './postgres.ts';
import { PrometheusCheckSpec, runPrometheusCheck } from './prometheus.ts';
import { RedisCheckSpec, runRedisCheck } from './redis.ts';
import { runWebhookCheck, WebhookCheckSpec } from './webhook.ts';
import { TcpCheckSpec, runTcpCheck } from './tcp.ts';
import { DnsCheckSpec, runDnsCheck } from './dns.ts';
import { TlsCheckSpec, runTlsCheck } from './tls.ts';
import { ManualCheckSpec, runManualCheck } from './manual.ts';

/**
 * Every check type: its spec (validated in readiness.yaml) and its runner. Adding a type means one module in
 * src/checks/ and one line in each list below.
 */
export const CheckSpec = z.discriminatedUnion('type', [HttpCheckSpec, TcpCheckSpec, DnsCheckSpec, TlsCheckSpec, PrometheusCheckSpec, PostgresCheckSpec, RedisCheckSpec, WebhookCheckSpec, ManualCheckSpec]);
export type CheckSpec = z.infer<typeof CheckSpec>;

export const runners: { [T in CheckSpec['type']]: CheckRunner<Extract<CheckSpec, { type: T }>> } = {
  http: runHttpCheck,
  prometheus: runPrometheusCheck,
  postgres: runPostgresCheck,
  redis: runRedisCheck,
  webhook: runWebhookCheck,
  tcp: runTcpCheck,
  dns: runDnsCheck,
  tls: runTlsCheck,
  manual: runManualCheck,
};
