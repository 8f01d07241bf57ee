import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { Slug } from '../checks/check-base.ts';
import { INCIDENT_SEVERITIES, IncidentKind } from './incident-config.ts';
import type { IncidentDeps } from './incident-deps.ts';
import { syncAfterChange } from './incident-deps.ts';
import type { Decision, IncidentView, NewNotification, ThreadRef } from './incident.types.ts';
import { alertUpdate, timelinePosts } from './timeline-plan.ts';
import { changeSeverity } from './change-severity.ts';
import { createIncident } from './open-incident.ts';
import { alertChannel, isMoreSevere } from './severity-policy.ts';

const SlackUser = z.string().regex(/^[UW][A-Z0-9]{2,}$/);
const ThreadRefSchema = z.object({ channel: z.string().regex(/^[CDG][A-Z0-9]{2,}$/), ts: z.string().regex(/^\d+\.\d+$/) });

/** What a deployment, a rollback or a regressing check reports; validated because it comes from other modules. */
export const SystemIncidentInput = z.object({
  service: Slug,
  environment: Slug,
  /** Why: `deployment-failed`, `rollback`, `rollback-failed`, `critical-check-regression`, … Same service, environment and cause merge. */
  cause: Slug,
  severity: z.enum(INCIDENT_SEVERITIES),
  /** @defaultValue "<service> (<environment>): <cause>" */
  title: z.string().trim().min(1).max(120).optional(),
  summary: z.string().trim().min(1).max(2000),
  /** The failing check or metric, attached to the alert. */
  evidence: z.record(z.string(), z.unknown()).optional(),
  /** Picks the runbook. @defaultValue outage */
  kind: IncidentKind.optional(),
  /** The deployment's thread (the one with the assessment, sign-offs and deployment): it gets the timeline too. */
  thread: ThreadRefSchema.optional(),
  /** The release's approvers: listed on the alert and told in the thread. */
  stakeholders: z.array(SlackUser).max(50).optional(),
  /** Makes a redelivered report a no-op, e.g. `deployment_<id>_rollback`. @defaultValue every call is a new report */
  occurrenceKey: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,200}$/)
    .optional(),
  /** Where the alert goes when no incidents channel is configured. @defaultValue the thread's channel */
  originChannel: z
    .string()
    .regex(/^[CG][A-Z0-9]{2,}$/)
    .optional(),
});
export type SystemIncidentInput = z.input<typeof SystemIncidentInput>;

export type SystemIncidentResult =
  | { ok: true; outcome: 'opened' | 'merged' | 'duplicate'; incident: IncidentView }
  | { ok: false; reason: 'invalid_input'; problems: string[] }
  | { ok: false; reason: 'no_channel' };

type MergeInput = z.output<typeof SystemIncidentInput> & { requestKey: string };

const unique = <T>(values: readonly T[]) => [...new Set(values)];
const sameThread = (a: ThreadRef, b: ThreadRef) => a.channel === b.channel && a.ts === b.ts;

/**
 * A second report of the same service, environment and cause while the incident is unresolved: counted, its evidence recorded,
 * its thread and stakeholders added, and told in every thread. Pure.
 */
export function decideMerge(incident: IncidentView, input: MergeInput, at: Date): Decision<'resolved'> {
  if (incident.status === 'RESOLVED') return { ok: false, refusal: 'resolved' };
  const occurrence = incident.occurrences + 1;
  const newThread = input.thread && !incident.threads.some((thread) => sameThread(thread, input.thread as ThreadRef)) ? input.thread : undefined;
  const eventKey = `merged${occurrence}`;
  const notifications: NewNotification[] = [
    ...timelinePosts(incident, eventKey, { type: 'merged', occurrence, summary: input.summary, evidence: input.evidence ?? null }),
    ...(newThread
      ? [
          {
            key: `${incident.id}_${eventKey}_opened_m${newThread.channel}_${newThread.ts}`,
            destination: 'thread' as const,
            channel: newThread.channel,
            threadTs: newThread.ts,
            onlyWhileOpen: false,
            event: { type: 'opened' as const, by: 'system' },
          },
        ]
      : []),
    alertUpdate(incident, eventKey),
  ];
  return {
    ok: true,
    change: {
      set: {
        occurrences: occurrence,
        threads: newThread ? [...incident.threads, newThread] : incident.threads,
        stakeholders: unique([...incident.stakeholders, ...(input.stakeholders ?? [])]),
      },
      audit: [
        {
          actor: 'system',
          action: 'incident.merged',
          subjectType: 'incident',
          subjectId: incident.id,
          before: { occurrences: incident.occurrences },
          after: { occurrences: occurrence },
          reason: input.summary,
          data: { occurrence, cause: input.cause, evidence: input.evidence ?? null, thread: newThread ?? null, at: at.toISOString() },
          // One merge per report: a redelivered report finds this key taken.
          dedupeKey: `incident.merged_${input.requestKey}`,
        },
      ],
      notifications,
    },
  };
}

const CAUSE_TITLES: Record<string, string> = {
  'deployment-failed': 'deployment failed',
  rollback: 'rolled back',
  'rollback-failed': 'rollback failed',
  'critical-check-regression': 'critical check failing after GO',
};

/**
 * The bot opens an incident (a failed deployment, a rollback, a critical check regressing). While one for the same
 * service and cause is unresolved, the report merges into it instead of opening another (the same service in another
 * environment is another problem: staging's rollback does not merge into production's); two reports racing each
 * other still make one incident (the merge key is unique among unresolved incidents). A more severe report raises
 * the incident's severity.
 */
export async function openSystemIncident(deps: IncidentDeps, raw: SystemIncidentInput): Promise<SystemIncidentResult> {
  const parsed = SystemIncidentInput.safeParse(raw);
  if (!parsed.success) {
    return { ok: false, reason: 'invalid_input', problems: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) };
  }
  const input = parsed.data;
  const { config, envChannel } = deps.settings;
  const origin = input.originChannel ?? input.thread?.channel;
  const channelId = origin === undefined ? (config.channel ?? envChannel) : alertChannel(config, envChannel, origin);
  if (channelId === undefined) return { ok: false, reason: 'no_channel' };
  const requestKey = `system_${input.occurrenceKey ?? randomUUID()}`;
  const mergeKey = `${input.service}|${input.environment}|${input.cause}`;

  // A merge can find the open incident resolved a moment later; then a new one is opened. Bounded, not a loop forever.
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const created = await createIncident(deps, {
      requestKey,
      mergeKey,
      title: input.title ?? `${input.service} (${input.environment}): ${CAUSE_TITLES[input.cause] ?? input.cause}`,
      severity: input.severity,
      kind: input.kind ?? 'outage',
      service: input.service,
      environment: input.environment,
      cause: input.cause,
      openedBy: 'system',
      summary: input.summary,
      evidence: input.evidence ?? null,
      channelId,
      threads: input.thread ? [input.thread] : [],
      stakeholders: unique(input.stakeholders ?? []),
    });
    if (created.ok) return { ok: true, outcome: created.created ? 'opened' : 'duplicate', incident: created.incident };

    const open = await deps.incidents.findOpenByMergeKey(mergeKey);
    if (!open) continue;
    const merged = await deps.incidents.apply(open.id, deps.now, (current, at) => decideMerge(current, { ...input, requestKey }, at));
    if (merged.applied) {
      await syncAfterChange(deps.scheduler, merged.before, merged.after, merged.lastSeq);
      if (isMoreSevere(input.severity, merged.after.severity)) {
        const raised = await changeSeverity(deps, {
          incidentId: open.id,
          from: merged.after.severity,
          to: input.severity,
          by: 'system',
          reason: `a ${input.severity} report merged in: ${input.summary}`,
        });
        if (raised.ok) return { ok: true, outcome: 'merged', incident: raised.incident };
      }
      return { ok: true, outcome: 'merged', incident: merged.after };
    }
    if (merged.refusal === 'duplicate') return { ok: true, outcome: 'duplicate', incident: open };
    // Resolved or gone between the lookup and the lock: open a new one.
  }
  throw new Error(`could not open or merge the incident for ${mergeKey}: it kept changing`);
}
