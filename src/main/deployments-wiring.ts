import type { DeploymentEffects } from '../deployments/deployment-effects.ts';
import { roleMentions } from '../slack/role-mentions.ts';
import type { DeploymentServices } from '../deployments/deployment-services.ts';
import { egressPolicy, systemResolveHost } from '../egress/egress-policy.ts';
import type { DeploymentView } from '../deployments/deployment.types.ts';
import type { RollbackRunDeps } from '../deployments/rollback.ts';
import { failingChecks, taskRunner } from '../deployments/tasks/run-task.ts';
import { networkCheckRunner } from '../probes/check-runner.ts';
import { createWebhookSender } from '../probes/webhook-sender.ts';
import type { Logger } from '../shared/logger.ts';
import type { ChatPort } from '../slack/assessment-message.publisher.ts';
import { announcementIntent, deploymentIntent, deploymentMessages } from '../slack/deployment-messages.ts';
import { idempotentPoster } from '../slack/deployment-poster.ts';
import { renderDeploymentMessage } from '../slack/views/deployment-message.ts';
import type { Runtime } from './runtime.ts';
import { openSystemIncident } from '../incidents/open-system-incident.ts';

export type OpenDeploymentIncident = DeploymentEffects['openIncident'];

/** Deployments wired to this process's database, queues and Slack client; shared by the bot and the workers. */
export function deploymentServices(
  runtime: Runtime,
  chat: ChatPort,
  now: () => Date,
  options: { openIncident?: OpenDeploymentIncident | undefined; logger: Logger },
): DeploymentServices {
  const { config } = runtime.settings;
  const scheduler = runtime.queues.deploymentScheduler;
  const post = idempotentPoster(chat);
  const postInThread = async (deployment: DeploymentView, intentId: string, text: string) => {
    await post(deployment, { inThread: true, intentId }, { text });
  };

  const effects: DeploymentEffects = {
    async publish(deployment) {
      if (deployment.messageTs === null) {
        const fresh = await runtime.deployments.find(deployment.id);
        if (fresh && fresh.messageTs === null) {
          const ts = await post(fresh, { inThread: true, intentId: deploymentIntent(fresh.id, 'message') }, renderDeploymentMessage(fresh, now()));
          if (ts) await runtime.deployments.attachMessage(fresh.id, ts);
        }
      }
      await scheduler.requestDeploymentRender(deployment.id);
    },
    enqueuePhase: (deploymentId, phaseIndex, generation) => scheduler.enqueuePhase(deploymentId, phaseIndex, generation),
    schedulePlanExpiry: (deployment) => scheduler.schedulePlanExpiry(deployment.id, deployment.planExpiresAt),
    enqueueRollback: (deployment) => scheduler.enqueueRollback(deployment.id, deployment.plan.rollback.maxDurationMs),
    announce: (deployment, announcement) =>
      postInThread(deployment, announcementIntent(deployment.id, announcement), deploymentMessages.announcement(deployment, announcement)),
    // rollback_overrun, the only alert, is once per deployment: its rollback's alarm job fires once.
    async alertChannel(deployment, alert) {
      await post(
        deployment,
        { inThread: false, intentId: deploymentIntent(deployment.id, alert.kind) },
        { text: deploymentMessages.alert(deployment, alert) },
      );
    },
    async openIncident(deployment, input) {
      if (options.openIncident) return options.openIncident(deployment, input);
      // The release's approvers become stakeholders; the release thread gets the incident's timeline.
      const request = await runtime.signoffs.findByAssessment(deployment.assessmentId);
      const approvers = (request?.signoffs ?? []).filter((signoff) => signoff.kind !== 'REJECT').map((signoff) => signoff.userId);
      const opened = await openSystemIncident(runtime.incidents, {
        service: deployment.service,
        environment: deployment.environment,
        cause: input.cause,
        severity: input.severity,
        summary: input.summary,
        ...(input.evidence ? { evidence: input.evidence } : {}),
        ...(deployment.threadTs ? { thread: { channel: deployment.channelId, ts: deployment.threadTs } } : {}),
        stakeholders: [...new Set([...approvers, ...(deployment.startedBy ? [deployment.startedBy] : [])])],
        occurrenceKey: `deployment_${deployment.id}_${input.cause}`,
        originChannel: deployment.channelId,
      });
      if (!opened.ok)
        options.logger.warn('could not open an incident for a deployment', {
          deploymentId: deployment.id,
          cause: input.cause,
          reason: opened.reason,
        });
    },
  };

  const egress = egressPolicy(config.egress, systemResolveHost);
  const domain: RollbackRunDeps = {
    config,
    deployments: runtime.deployments,
    signoffs: runtime.signoffs,
    roles: runtime.roles,
    effects,
    now,
    runTask: taskRunner({
      config,
      egress,
      checks: networkCheckRunner,
      webhooks: createWebhookSender(egress),
      async postGate(context, task) {
        const who = roleMentions(runtime.roles)(task.spec.role);
        const intent = deploymentIntent(context.deployment.id, `gate:${task.id}:${context.deployment.generation}`);
        await postInThread(context.deployment, intent, deploymentMessages.gateWaiting(who, task.name, task.spec.prompt));
        await effects.publish(context.deployment);
      },
    }),
    verifyChecks: (deployment, checkIds) => failingChecks(networkCheckRunner, config, deployment.service, deployment.environment, checkIds, egress),
  };

  return {
    domain,
    async refreshDeployment(deploymentId) {
      const deployment = await runtime.deployments.find(deploymentId);
      if (!deployment) return 'not_found';
      if (deployment.messageTs === null) return 'no_message_yet';
      await chat.update({ channel: deployment.channelId, ts: deployment.messageTs, ...renderDeploymentMessage(deployment, now()) });
      return 'updated';
    },
  };
}
