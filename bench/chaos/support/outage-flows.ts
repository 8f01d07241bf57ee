// Deployments and escalations for the postgres-outage scenario: set up so a Postgres outage catches them mid-flow,
// then judged once Postgres is back. Kept apart from the scenario so each part reads in one sitting.
import { randomUUID } from 'node:crypto';
import { openIncident } from '../../../src/incidents/open-incident.ts';
import { ids } from '../../../src/slack/ids.ts';
import type { LocalStack } from '../../../tools/demo/local-stack.ts';
import type { DeployReceiver } from '../../../tools/demo/deploy-receiver.ts';
import { waitFor } from './private-services.ts';

export const DEPLOYER = 'U0DEPLOYER';
export const ONCALL = 'U0ONCALL';
export const LEAD = 'U0LEAD';
/** The standard template's webhook tasks, one path each at the receiver. */
export const TASK_PATHS = ['prepare', 'deploy', 'verify', 'finalize'] as const;

export interface DeploymentCounts {
  succeeded: number;
  /** Paused by Readiness after waiting longer than the window, then resumed to SUCCEEDED by the scenario. */
  pausedThenSucceeded: number;
  /** Any other end (FAILED, ROLLED_BACK, …): our database decided the release's fate. */
  wrongState: number;
  stuck: number;
  effectsLost: number;
  effectsDoubled: number;
  webhookCalls: number;
  /** Postgres back → every deployment SUCCEEDED or PAUSED at a phase boundary. */
  settledMs: number;
  states: string;
}

/** Assess (GO), plan and Start each service's deployment; its deploy task's webhook is slow, so the outage catches it. */
export async function startDeployments(stack: LocalStack, services: readonly string[]): Promise<string[]> {
  const db = stack.runtime.db;
  for (const service of services) {
    const ack = await stack.standIn.sendSlashCommand(stack.eventsUrl, {
      text: `run ${service} production`,
      userId: DEPLOYER,
      channelId: stack.channelId,
    });
    await waitFor(async () => (await db.assessment.findUnique({ where: { requestKey: ack.triggerId } }))?.verdict === 'GO', 60_000, `${service} GO`);
  }
  const ids_: string[] = [];
  for (const service of services) {
    const ack = await stack.standIn.sendSlashCommand(stack.eventsUrl, {
      text: `deploy ${service} production v1`,
      userId: DEPLOYER,
      channelId: stack.channelId,
    });
    await waitFor(
      async () => Boolean((await db.deployment.findUnique({ where: { requestKey: ack.triggerId } }))?.messageTs),
      60_000,
      `${service} planned`,
    );
    const row = await db.deployment.findUniqueOrThrow({ where: { requestKey: ack.triggerId } });
    ids_.push(row.id);
  }
  return ids_;
}

export async function clickStart(stack: LocalStack, deploymentIds: readonly string[]): Promise<void> {
  for (const id of deploymentIds) {
    const row = await stack.runtime.db.deployment.findUniqueOrThrow({ where: { id } });
    await stack.standIn.clickButton(stack.eventsUrl, {
      channel: stack.channelId,
      ts: row.messageTs ?? '',
      actionId: ids.actions.deployStart,
      userId: DEPLOYER,
    });
  }
  await waitFor(
    async () =>
      (await stack.runtime.db.deployment.count({ where: { id: { in: [...deploymentIds] }, status: { not: 'PLANNED' } } })) === deploymentIds.length,
    60_000,
    'every deployment started',
  );
}

/**
 * After Postgres is back: every deployment must end SUCCEEDED (or, past the window, PAUSED by Readiness at a phase
 * boundary, and SUCCEEDED once resumed), each task's webhook effect applied exactly once.
 */
export async function judgeDeployments(
  stack: LocalStack,
  receiver: DeployReceiver,
  input: {
    deploymentIds: readonly string[];
    services: readonly string[];
    back: number;
    boundMs: number;
    pauseAllowed: boolean;
    pauseRequired: boolean;
  },
): Promise<DeploymentCounts> {
  const db = stack.runtime.db;
  const counts: DeploymentCounts = {
    succeeded: 0,
    pausedThenSucceeded: 0,
    wrongState: 0,
    stuck: 0,
    effectsLost: 0,
    effectsDoubled: 0,
    webhookCalls: 0,
    settledMs: 0,
    states: '',
  };
  // Settled: SUCCEEDED, or PAUSED with no task running (the pause took effect at a boundary), or any end state.
  const settled = async (id: string) => {
    const row = await db.deployment.findUnique({ where: { id }, include: { tasks: true } });
    if (!row) return false;
    if (row.status === 'PAUSED') return !row.tasks.some((task) => task.status === 'RUNNING');
    return !['RUNNING', 'PLANNED', 'ROLLING_BACK'].includes(row.status);
  };
  await Promise.all(
    input.deploymentIds.map(async (id) => {
      try {
        await waitFor(() => settled(id), input.boundMs * 3, 'deployment settled');
        counts.settledMs = Math.max(counts.settledMs, Date.now() - input.back);
      } catch {
        // Counted as stuck below.
      }
    }),
  );
  const states: string[] = [];
  for (const id of input.deploymentIds) {
    const row = await db.deployment.findUniqueOrThrow({ where: { id } });
    states.push(row.status);
    if (row.status === 'PAUSED') {
      const pausedBySystem = await db.auditEvent.count({ where: { subjectId: id, action: 'deployment.paused', actor: 'system' } });
      if (!input.pauseAllowed || pausedBySystem === 0) {
        counts.wrongState += 1;
        continue;
      }
      await stack.standIn.clickButton(stack.eventsUrl, {
        channel: stack.channelId,
        ts: row.messageTs ?? '',
        actionId: ids.actions.deployResume,
        userId: DEPLOYER,
      });
      const done = await waitFor(
        async () => (await db.deployment.findUnique({ where: { id } }))?.status === 'SUCCEEDED',
        input.boundMs * 3,
        'resumed',
      ).then(
        () => true,
        () => false,
      );
      if (done) counts.pausedThenSucceeded += 1;
      else counts.stuck += 1;
    } else if (row.status === 'SUCCEEDED') {
      if (input.pauseRequired && (await db.auditEvent.count({ where: { subjectId: id, action: 'deployment.paused' } })) === 0) counts.wrongState += 1;
      else counts.succeeded += 1;
    } else if (['RUNNING', 'PLANNED', 'ROLLING_BACK'].includes(row.status)) counts.stuck += 1;
    else counts.wrongState += 1;
  }
  for (const service of input.services) {
    for (const task of TASK_PATHS) {
      const calls = receiver.calls.filter((call) => call.path === `/${service}/${task}`);
      counts.webhookCalls += calls.length;
      const applied = calls.filter((call) => call.executed).length;
      const keys = new Set(calls.map((call) => call.idempotencyKey)).size;
      if (applied === 0) counts.effectsLost += 1;
      counts.effectsDoubled += Math.max(0, applied - 1) + Math.max(0, keys - 1);
    }
  }
  counts.states = states.join(' ');
  return counts;
}

/** A page DM: posted to the user's id (Slack opens the DM), or to the DM channel itself. */
export const isDmTo = (user: string, channel: unknown) => channel === user || channel === `D${user.slice(1)}`;

export interface EscalationCounts {
  escalated: number;
  lost: number;
  doubled: number;
  /** Escalations later than the outage plus the bound after their due time. */
  tooLate: number;
  /** Postgres back → the last escalation recorded. */
  lastAfterBackMs: number;
  /** The latest escalation's delay past its due time. */
  maxLateMs: number;
}

/** SEV1 incidents whose first response target comes due during the outage (`respondWithin` in the config). */
export async function openIncidents(stack: LocalStack, label: string, count: number): Promise<{ id: string; title: string; dueAt: Date }[]> {
  const opened: { id: string; title: string; dueAt: Date }[] = [];
  for (let i = 0; i < count; i += 1) {
    const title = `pg outage ${label} incident #${i}.`;
    const { incident } = await openIncident(stack.runtime.incidents, {
      requestKey: `chaos-${randomUUID()}`,
      severity: 'SEV1',
      title,
      service: 'healthy-api',
      openedBy: DEPLOYER,
      originChannel: stack.channelId,
    });
    if (!incident.escalationDueAt) throw new Error('a SEV1 without an escalation timer');
    opened.push({ id: incident.id, title, dueAt: incident.escalationDueAt });
  }
  return opened;
}

/** Each incident escalated to the tech lead once, paged once, no later than the outage plus the bound after its due time. */
export async function judgeEscalations(
  stack: LocalStack,
  incidents: readonly { id: string; title: string; dueAt: Date }[],
  input: { back: number; outageMs: number; boundMs: number },
): Promise<EscalationCounts> {
  const db = stack.runtime.db;
  const counts: EscalationCounts = { escalated: 0, lost: 0, doubled: 0, tooLate: 0, lastAfterBackMs: 0, maxLateMs: 0 };
  const escalations = (id: string) => db.auditEvent.findMany({ where: { subjectId: id, action: 'incident.escalated' }, orderBy: { seq: 'asc' } });
  const pagesToLead = (title: string) =>
    stack.standIn.calls.filter(
      (call) =>
        call.method === 'chat.postMessage' && call.status === 200 && isDmTo(LEAD, call.args.channel) && String(call.args.text).endsWith(`: ${title}`),
    ).length;
  await waitFor(
    async () => {
      for (const incident of incidents) if ((await escalations(incident.id)).length === 0 || pagesToLead(incident.title) === 0) return false;
      return true;
    },
    input.boundMs * 4,
    'every escalation paged',
  ).catch(() => undefined);
  for (const incident of incidents) {
    const rows = await escalations(incident.id);
    const pages = pagesToLead(incident.title);
    const first = rows[0];
    if (!first || pages === 0) {
      counts.lost += 1;
      continue;
    }
    counts.escalated += 1;
    counts.doubled += Math.max(0, rows.length - 1) + Math.max(0, pages - 1);
    const late = first.at.getTime() - incident.dueAt.getTime();
    counts.maxLateMs = Math.max(counts.maxLateMs, late);
    counts.lastAfterBackMs = Math.max(counts.lastAfterBackMs, first.at.getTime() - input.back);
    if (late > input.outageMs + input.boundMs) counts.tooLate += 1;
  }
  return counts;
}
