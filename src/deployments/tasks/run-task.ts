import { setTimeout as sleep } from 'node:timers/promises';
import type { ReadinessConfig } from '../../config/readiness-config.schema.ts';
import { lookupTarget } from '../../config/catalog.ts';
import type { CheckRunner } from '../../checks/check-runner.port.ts';
import type { TaskOutcome } from '../deployment.types.ts';
import type { PlannedTask } from '../plan.ts';
import type { TaskRunContext, TaskRunner } from '../run-tasks.ts';
import type { ManualGateTask, MonitorTask } from '../template.schema.ts';
import { deployPolicyFor } from '../deploy-policy.ts';
import { runWebhookTask } from './webhook.ts';
import type { WebhookSender } from './webhook-sender.port.ts';
import { runnableTaskSpec, TASK_SECRETS_UNAVAILABLE } from './runnable-task.ts';
import { resolveReferences, type SecretSource } from '../../secrets/references.ts';
import { processSecretSource, rememberSecretValues } from '../../secrets/process-secrets.ts';
import { redactDeep, redactText, redactValues, secretValuesOf } from '../../secrets/redact.ts';
import type { EgressPolicy } from '../../egress/egress-policy.ts';

/** Re-runs named readiness checks of the deployment's service; FAIL or ERROR fails. Returns those that did not pass. */
export async function failingChecks(
  checks: Pick<CheckRunner, 'runCheck'>,
  config: ReadinessConfig,
  service: string,
  environment: string,
  checkIds: readonly string[],
  egress?: EgressPolicy,
) {
  const target = lookupTarget(config, service, environment);
  if (!target.ok) return checkIds.map((checkId) => ({ checkId, message: `cannot look up ${service} in ${environment}: ${target.reason}` }));
  const results = await Promise.all(
    checkIds.map(async (checkId) => {
      const spec = target.checks.find((check) => check.id === checkId);
      if (!spec) return { checkId, message: 'no such check for this environment' };
      const outcome = await checks.runCheck(spec, { service, environment }, { egress });
      return outcome.status === 'PASS' || outcome.status === 'WARN' ? undefined : { checkId, message: `${outcome.status}: ${outcome.message}` };
    }),
  );
  return results.filter((result) => result !== undefined);
}

async function runMonitor(checks: Pick<CheckRunner, 'probe'>, task: MonitorTask, signal: AbortSignal, egress?: EgressPolicy): Promise<TaskOutcome> {
  const deadline = Date.now() + task.for;
  const spec = {
    id: task.id,
    name: task.id,
    category: 'monitoring',
    severity: 'high' as const,
    timeoutMs: Math.min(task.every, 10_000),
    type: 'prometheus' as const,
    url: task.url,
    query: task.query,
    comparator: task.comparator,
    fail: task.threshold,
  };
  for (let samples = 1; ; samples += 1) {
    const outcome = await checks.probe(spec, {
      signal: AbortSignal.any([signal, AbortSignal.timeout(spec.timeoutMs)]),
      now: () => performance.now(),
      egress,
    });
    if (outcome.status !== 'PASS') {
      return { status: 'FAILED', message: `sample ${samples}: ${outcome.message}`, evidence: { ...outcome.evidence, samples } };
    }
    if (Date.now() + task.every > deadline)
      return { status: 'SUCCEEDED', message: `${samples} samples, every one ${task.comparator} ${task.threshold}`, evidence: { samples } };
    await sleep(task.every, undefined, { signal });
  }
}

export interface TaskRunnerDeps {
  config: ReadinessConfig;
  /** Runs the checks of a checks task, and samples the query of a monitor task. */
  checks: CheckRunner;
  /** Sends the requests of webhook tasks (and their status polls). */
  webhooks: WebhookSender;
  /** Where `${env:…}` / `${file:…}` in task URLs and the webhook secret resolve. @defaultValue the process's */
  secrets?: SecretSource | undefined;
  /** Where monitor tasks may connect (webhook tasks: the sender's). @defaultValue undefined: anywhere */
  egress?: EgressPolicy | undefined;
  /** Posts the Proceed / Abort buttons of a manual gate in the release thread. */
  postGate(context: TaskRunContext, task: PlannedTask & { spec: ManualGateTask }): Promise<void>;
}

/**
 * Resolves the secret references of a task just before it runs, and redacts what it reports: the resolved values,
 * URL credentials and secret parameters never reach the task's row or the release thread.
 */
async function withSecrets<T>(value: T, source: SecretSource | undefined, run: (resolved: T) => Promise<TaskOutcome>): Promise<TaskOutcome> {
  const resolution = await resolveReferences(value, source ?? processSecretSource);
  if (!resolution.ok) return { status: 'FAILED', message: `the secret ${resolution.reference} could not be resolved: ${resolution.problem}` };
  // Resolved references and the literal credentials of the task alike: what the task sends must not come back.
  const secrets = [...new Set([...resolution.secrets, ...secretValuesOf(resolution.value)])];
  rememberSecretValues(secrets);
  const outcome = await run(resolution.value);
  const message = redactValues(redactText(outcome.message), secrets);
  return outcome.evidence === undefined ? { ...outcome, message } : { ...outcome, message, evidence: redactDeep(outcome.evidence, secrets) };
}

/** Dispatches a planned task to its type's runner. */
export function taskRunner(deps: TaskRunnerDeps): TaskRunner {
  return async (task, context) => {
    // A stored plan is redacted; a task that had literal secrets runs as readiness.yaml defines it (runnable-task.ts).
    const spec = runnableTaskSpec(deps.config, context.deployment, context.stage, task);
    if (spec === undefined) return { status: 'FAILED', message: TASK_SECRETS_UNAVAILABLE };
    switch (spec.type) {
      case 'webhook': {
        const secret = deployPolicyFor(deps.config, context.deployment.service, context.deployment.environment).webhookSecret;
        return withSecrets({ spec, secret }, deps.secrets, (resolved) =>
          runWebhookTask({ ...task, spec: resolved.spec }, context, resolved.secret, deps.webhooks),
        );
      }
      case 'wait':
        await sleep(spec.duration, undefined, { signal: context.signal });
        return { status: 'SUCCEEDED', message: `waited ${spec.duration} ms` };
      case 'checks': {
        // The egress allowlist applies here as it does to verification and monitors: a deployment's checks reach no other host.
        const failing = await failingChecks(
          deps.checks,
          deps.config,
          context.deployment.service,
          context.deployment.environment,
          spec.checks,
          deps.egress,
        );
        return failing.length === 0
          ? { status: 'SUCCEEDED', message: `${spec.checks.join(', ')} pass` }
          : { status: 'FAILED', message: failing.map((check) => `${check.checkId}: ${check.message}`).join('; '), evidence: { failing } };
      }
      case 'monitor':
        return withSecrets(spec, deps.secrets, (resolved) => runMonitor(deps.checks, resolved, context.signal, deps.egress));
      case 'manual-gate':
        await deps.postGate(context, { ...task, spec });
        return { status: 'WAITING', message: `waiting for a member of ${spec.role} to proceed` };
    }
  };
}
