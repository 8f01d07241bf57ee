import { z } from 'zod';
import type { CheckRecommender, CheckTarget, UnmetCheck } from './check.types.ts';
import { HttpCheckSpec, recommendHttp } from './specs/http.ts';
import { PostgresCheckSpec, recommendPostgres } from './specs/postgres.ts';
import { PrometheusCheckSpec, recommendPrometheus } from './specs/prometheus.ts';
import { RedisCheckSpec, recommendRedis } from './specs/redis.ts';
import { recommendWebhook, WebhookCheckSpec } from './specs/webhook.ts';
import { TcpCheckSpec, recommendTcp } from './specs/tcp.ts';
import { DnsCheckSpec, recommendDns } from './specs/dns.ts';
import { TlsCheckSpec, recommendTls } from './specs/tls.ts';
import { ManualCheckSpec, recommendManual } from './specs/manual.ts';

/**
 * Every check type: its spec (validated in readiness.yaml) and its default recommendation. Adding a type means
 * one module in src/checks/specs/ and one line in each list below, and its probe in src/probes/.
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
