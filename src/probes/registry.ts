import type { CheckProbe } from '../checks/check.types.ts';
import type { CheckSpec } from '../checks/registry.ts';
import { runHttpCheck } from './http.ts';
import { runPostgresCheck } from './postgres.ts';
import { runPrometheusCheck } from './prometheus.ts';
import { runRedisCheck } from './redis.ts';
import { runWebhookCheck } from './webhook.ts';
import { runTcpCheck } from './tcp.ts';
import { runDnsCheck } from './dns.ts';
import { runTlsCheck } from './tls.ts';
import { runManualCheck } from './manual.ts';

/** Every check type's probe; a type in CheckSpec without one here does not compile. */
export const probes: { [T in CheckSpec['type']]: CheckProbe<Extract<CheckSpec, { type: T }>> } = {
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

/** Dispatches to the spec's type's probe. */
export const probeCheck: CheckProbe<CheckSpec> = (spec, context) => (probes[spec.type] as CheckProbe)(spec, context);
