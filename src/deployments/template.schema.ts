import { z } from 'zod';
import { Slug } from '../checks/check-base.ts';
import { Comparator } from '../checks/specs/prometheus.ts';
import { Duration } from '../shared/duration.ts';
import { hasReference } from '../secrets/references.ts';

const TaskBase = z.strictObject({
  id: Slug,
  name: z.string().min(1).max(200).optional(),
  /** Tasks of a phase run in parallel, except that a task waits for those it names here. */
  after: z.array(Slug).default([]),
});

/** POSTs the deployment context, signed with HMAC-SHA256 and carrying an Idempotency-Key; 2xx means done. */
export const WebhookTask = TaskBase.extend({
  type: z.literal('webhook'),
  url: z.string().min(1),
  /** Polled with GET until it answers `{status: "done"}` (or "failed"). */
  statusUrl: z.string().min(1).optional(),
  /** @defaultValue 2s */
  pollEvery: Duration.default(2000),
  /** @defaultValue 30s */
  timeout: Duration.default(30_000),
});

export const WaitTask = TaskBase.extend({ type: z.literal('wait'), duration: Duration });

/** Re-runs readiness checks of the service as a gate; FAIL or ERROR fails the task. */
export const ChecksTask = TaskBase.extend({ type: z.literal('checks'), checks: z.array(Slug).min(1) });

/** Samples a Prometheus query every `every` for `for`; one sample beyond the threshold fails the task. */
export const MonitorTask = TaskBase.extend({
  type: z.literal('monitor'),
  url: z.string().min(1),
  query: z.string().min(1).max(2000),
  comparator: Comparator,
  threshold: z.number(),
  every: Duration.default(5000),
  for: Duration.default(60_000),
});

/** Waits for a member of `role` to click Proceed (or Abort) in the deployment thread. */
export const ManualGateTask = TaskBase.extend({ type: z.literal('manual-gate'), role: Slug, prompt: z.string().max(500).optional() });

export type WebhookTask = z.infer<typeof WebhookTask>;
export type WaitTask = z.infer<typeof WaitTask>;
export type ChecksTask = z.infer<typeof ChecksTask>;
export type MonitorTask = z.infer<typeof MonitorTask>;
export type ManualGateTask = z.infer<typeof ManualGateTask>;

export const DeployTask = z.discriminatedUnion('type', [WebhookTask, WaitTask, ChecksTask, MonitorTask, ManualGateTask]);
export type DeployTask = z.infer<typeof DeployTask>;

export const Phase = z.strictObject({
  id: Slug,
  name: z.string().min(1).max(100).optional(),
  /** @defaultValue 10m */
  timeout: Duration.default(600_000),
  /** A failure here is a failed verification: with `autoRollback`, the deployment rolls back by itself. */
  verification: z.boolean().default(false),
  tasks: z.array(DeployTask).min(1),
});
export type Phase = z.infer<typeof Phase>;

export const Template = z.strictObject({
  description: z.string().max(300).optional(),
  phases: z.array(Phase).min(1),
  /** @defaultValue true */
  autoRollback: z.boolean().default(true),
  rollback: z.strictObject({
    tasks: z.array(DeployTask).min(1),
    /** Running longer posts an alert in the channel. @defaultValue 10m */
    maxDuration: Duration.default(600_000),
    /** Readiness checks re-run after the rollback to verify it. */
    verify: z.array(Slug).default([]),
  }),
});
export type Template = z.infer<typeof Template>;

/** How an environment deploys: which template by default, how fresh the GO must be, who may run it. */
export const DeployPolicy = z
  .strictObject({
    /** @defaultValue standard */
    template: Slug.default('standard'),
    /**
     * The newest GO must be at most this old when the deployment is planned and again when it is started.
     * @defaultValue 4h in a protected environment (production, prod or `protected: true`), 24h elsewhere
     */
    freshness: Duration.optional(),
    /** The former name of `freshness`, still read; set one of them. */
    maxDecisionAge: Duration.optional(),
    /** A plan nobody started by then expires (cancelled, its message says so). @defaultValue 1h */
    planExpiresAfter: Duration.default(3_600_000),
    /** Who may start, pause, resume, abort and roll back; anyone in the channel when unset (required when protected). */
    deployerRole: Slug.optional(),
    /** Shared secret for the HMAC-SHA256 signature of webhook tasks (X-Readiness-Signature). */
    webhookSecret: z
      .string()
      .refine(
        (secret) => hasReference(secret) || secret.length >= 16,
        'Too small: expected string to have >=16 characters (or a ${env:NAME} / ${file:/path} reference)',
      )
      .optional(),
  })
  .refine((policy) => policy.freshness === undefined || policy.maxDecisionAge === undefined, {
    message: 'set `freshness` only (`maxDecisionAge` is its former name)',
    path: ['maxDecisionAge'],
  });
export type DeployPolicy = z.infer<typeof DeployPolicy>;
