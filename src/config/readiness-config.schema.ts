import { z } from 'zod';

/** Service, environment and check ids appear in slash commands and job ids, so keep them plain. */
export const Slug = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/, 'lowercase letters, digits, ".", "_" and "-", starting with a letter or digit');

export const Severity = z.enum(['critical', 'high', 'medium', 'low']);
export type Severity = z.infer<typeof Severity>;

const CheckBase = z.object({
  id: Slug,
  name: z.string().min(1).max(200),
  category: Slug.default('infrastructure'),
  severity: Severity.default('high'),
  /** Overrides the weight implied by severity. */
  weight: z.number().positive().optional(),
  /** @defaultValue 5000 */
  timeoutMs: z.number().int().positive().max(300_000).default(5000),
  remediation: z.string().max(1000).optional(),
});

export const HttpCheckSpec = CheckBase.extend({
  type: z.literal('http'),
  url: z.string().min(1),
  method: z.enum(['GET', 'HEAD']).default('GET'),
  /** One status or a list of acceptable statuses. @defaultValue 200 */
  expectStatus: z
    .union([z.number().int().min(100).max(599), z.array(z.number().int().min(100).max(599)).min(1)])
    .default(200),
  /** Slower than this is a warning, not a failure: the endpoint works but is degraded. */
  maxLatencyMs: z.number().int().positive().optional(),
});
export type HttpCheckSpec = z.infer<typeof HttpCheckSpec>;

export const CheckSpec = z.discriminatedUnion('type', [HttpCheckSpec]);
export type CheckSpec = z.infer<typeof CheckSpec>;

const Vars = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String));

export const EnvironmentConfig = z
  .object({
    vars: Vars.default({}),
  })
  .default({ vars: {} });

export const ServiceConfig = z.object({
  description: z.string().max(500).optional(),
  environments: z
    .record(Slug, EnvironmentConfig)
    .refine((envs) => Object.keys(envs).length > 0, 'a service needs at least one environment'),
  checks: z.array(CheckSpec).min(1, 'a service needs at least one check'),
});
export type ServiceConfig = z.infer<typeof ServiceConfig>;

export const ReadinessConfig = z.object({
  services: z
    .record(Slug, ServiceConfig)
    .refine((services) => Object.keys(services).length > 0, 'define at least one service'),
});
export type ReadinessConfig = z.infer<typeof ReadinessConfig>;
