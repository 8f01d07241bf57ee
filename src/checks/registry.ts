import { z } from 'zod';
import type { CheckRecommender, CheckRunner, CheckTarget, UnmetCheck } from './check.types.ts';
import { HttpCheckSpec, recommendHttp, runHttpCheck } from './http.ts';
import { PostgresCheckSpec, recommendPostgres, runPostgresCheck } from './postgres.ts';
import { PrometheusCheckSpec, recommendPrometheus, runPrometheusCheck } from './prometheus.ts';
import { RedisCheckSpec, recommendRedis, runRedisCheck } from './redis.ts';
import { recommendWebhook, runWebhookCheck, WebhookCheckSpec } from './webhook.ts';
import { TcpCheckSpec, recommendTcp, runTcpCheck } from './tcp.ts';
import { DnsCheckSpec, recommendDns, runDnsCheck } from './dns.ts';
import { TlsCheckSpec, recommendTls, runTlsCheck } from './tls.ts';
import { ManualCheckSpec, recommendManual, runManualCheck } from './manual.ts';

/**
 * Every check type: its spec (validated in readiness.yaml), its runner and its default recommendation. Adding a
 * type means one module in src/checks/ and one line in each list below.
 */
export const CheckSpec = z.discriminatedUnion('type', [
  HttpCheckSpec,
  TcpCheckSpec,
  DnsCheckSpec,
  TlsCheckSpec,
  PrometheusCheckSpec,
  PostgresCheckSpec,
  RedisCheckSpec,
  WebhookCheckSpec,
  ManualCheckSpec,
]);
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

export const recommenders: { [T in CheckSpec['type']]: CheckRecommender<Extract<CheckSpec, { type: T }>> } = {
  http: recommendHttp,
  prometheus: recommendPrometheus,
  postgres: recommendPostgres,
  redis: recommendRedis,
  webhook: recommendWebhook,
  tcp: recommendTcp,
  dns: recommendDns,
  tls: recommendTls,
  manual: recommendManual,
};

/** The check type's own advice for a check that did not pass; undefined for a type this version does not know. */
export function defaultRecommendation(spec: CheckSpec, outcome: UnmetCheck, target: CheckTarget): string | undefined {
  if (!Object.hasOwn(recommenders, spec.type)) return undefined;
  return (recommenders[spec.type] as CheckRecommender)(spec, outcome, target);
}
