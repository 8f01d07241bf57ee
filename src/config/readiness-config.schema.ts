import { z } from 'zod';

import { CheckSpec } from '../checks/registry.ts';
import { Slug } from '../checks/check-base.ts';
import { IncidentsConfig } from '../incidents/incident-config.ts';
import { SignoffPolicy } from '../approvals/policy.ts';
import { DeployPolicy, Template } from '../deployments/template.schema.ts';
import { DigestsConfig } from '../digests/digest-config.ts';
import { SlackUserId, SlackUsergroupId } from './slack-ids.ts';
import { RetentionConfig } from '../retention/retention-config.ts';
import { EgressConfig } from '../egress/egress-policy.ts';

// Check specs live with their check types; the config re-exports them for its readers.
export { CheckSpec } from '../checks/registry.ts';
export { Severity, Slug } from '../checks/check-base.ts';
export { HttpCheckSpec } from '../checks/specs/http.ts';

const Vars = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String));

const Percent = z.number().min(0).max(100);

/** Scores at or above `go` are GO, at or above `caution` GO WITH CAUTION, below that NO-GO. */
export const Thresholds = z
  .strictObject({ go: Percent.default(95), caution: Percent.default(80) })
  .refine((thresholds) => thresholds.caution <= thresholds.go, { message: 'caution must not be above go', path: ['caution'] });

export const EnvironmentConfig = z
  .strictObject({
    vars: Vars.default({}),
    thresholds: Thresholds.default({ go: 95, caution: 80 }),
    /**
     * Stricter defaults (GO fresh for 4 h, separation of duties) and a required `deploy.deployerRole`.
     * Environments named production or prod are always protected. @defaultValue false
     */
    protected: z.boolean().optional(),
    /** Sign-offs this environment needs before a GO decision; none when unset. */
    signoff: SignoffPolicy.optional(),
    /** How this environment deploys (`/readiness deploy`); the standard template and a 24h-fresh GO when unset. */
    deploy: DeployPolicy.optional(),
  })
  .default({ vars: {}, thresholds: { go: 95, caution: 80 } });

export const ServiceConfig = z.strictObject({
  description: z.string().max(500).optional(),
  environments: z.record(Slug, EnvironmentConfig).refine((envs) => Object.keys(envs).length > 0, 'a service needs at least one environment'),
  checks: z.array(CheckSpec).min(1, 'a service needs at least one check'),
});
export type ServiceConfig = z.infer<typeof ServiceConfig>;

/** A role is who may act: named users and members of usergroups (resolved through the Web API). */
export const RoleConfig = z
  .strictObject({
    description: z.string().max(300).optional(),
    users: z.array(SlackUserId).default([]),
    usergroups: z.array(SlackUsergroupId).default([]),
  })
  .refine((role) => role.users.length + role.usergroups.length > 0, 'a role needs at least one user or usergroup');
export type RoleConfig = z.infer<typeof RoleConfig>;

export const ReadinessConfig = z.strictObject({
  roles: z.record(Slug, RoleConfig).default({}),
  /** Deployment templates; they replace shipped ones of the same name (standard, hotfix, blue-green, canary). */
  deployments: z.strictObject({ templates: z.record(Slug, Template).default({}) }).default({ templates: {} }),
  services: z.record(Slug, ServiceConfig).refine((services) => Object.keys(services).length > 0, 'define at least one service'),
  /** Severity policy, runbooks and the incidents channel; shipped defaults apply when absent. */
  incidents: IncidentsConfig,
  /** Scheduled summaries posted to channels; none when absent. */
  digests: DigestsConfig,
  /** How long check results are kept. @defaultValue { checkResultsDays: 90 } */
  retention: RetentionConfig,
  /** Where checks and webhooks may connect; everywhere when absent. */
  egress: EgressConfig.optional(),
});
export type ReadinessConfig = z.infer<typeof ReadinessConfig>;
