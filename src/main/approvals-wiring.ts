import type { AssessmentView } from '../assessments/assessment.types.ts';
import { afterAssessmentCompleted } from '../approvals/after-assessment.ts';
import type { ApprovalServices } from '../approvals/approval-services.ts';
import { signoffBadge } from '../approvals/badge.ts';
import { signoffPolicyFor } from '../approvals/policy-lookup.ts';
import { createSignoffEffects } from '../approvals/signoff-effects.ts';
import type { OwedSignoffDeps } from '../approvals/deliver-owed.ts';
import type { ChatPort } from '../slack/assessment-message.publisher.ts';
import { chatPort } from '../slack/chat-port.ts';
import { refreshSignoffMessage } from '../slack/signoff-message.publisher.ts';
import { slackSignoffThread } from '../slack/signoff-thread.ts';
import { createSignoffNotices } from '../store/signoffs/notices.ts';
import type { Runtime } from './runtime.ts';

/** Sign-off, wired to this process's database, queues and Slack client; shared by the bot and the workers. */
export function approvalServices(runtime: Runtime, chat: ChatPort, now: () => Date): ApprovalServices {
  const { config } = runtime.settings;
  const effects = createSignoffEffects({
    signoffs: runtime.signoffs,
    thread: slackSignoffThread({ chat, roles: runtime.roles }),
    scheduler: { ...runtime.queues.scheduler, ...runtime.queues.signoffScheduler },
    notices: { outbox: createSignoffNotices(runtime.db), now },
  });
  const domain = { config, assessments: runtime.assessments, signoffs: runtime.signoffs, roles: runtime.roles, effects, now };
  return {
    effects,
    domain,
    afterCompletion: (assessmentId: string) => afterAssessmentCompleted(domain, assessmentId),
    refreshSignoff: (requestId: string) => refreshSignoffMessage({ signoffs: runtime.signoffs, chat, roles: runtime.roles }, requestId),
    async signoffBadge(view: AssessmentView) {
      const policy = signoffPolicyFor(config, view.service, view.environment);
      if (!policy) return undefined;
      return signoffBadge(view, policy, await runtime.signoffs.findByAssessment(view.id));
    },
    signoffJob: {
      signoffs: runtime.signoffs,
      notifyExpired: effects.notifyExpired,
      async deliverOwedNotices(requestId: string) {
        const request = await runtime.signoffs.findById(requestId);
        if (request) await effects.deliverOwedNotices(request);
      },
      now,
    },
  };
}

/**
 * What the recovery sweep needs to deliver owed sign-off messages and notices. Posted by the client that waits out
 * Retry-After itself, as the sign-off job's notices are: the sweep has no queue to pause.
 */
export function owedSignoffDeps(runtime: Runtime, now: () => Date): OwedSignoffDeps {
  const { effects } = approvalServices(runtime, chatPort(runtime.slack), now);
  return { signoffs: runtime.signoffs, notices: createSignoffNotices(runtime.db), effects, now };
}
