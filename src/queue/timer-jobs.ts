import type { Queue } from 'bullmq';
import { timerJobId, type Timer, type TimerJobs } from '../recovery/rebuild-timers.ts';
import { incidentJobOptions } from './incident-queues.ts';
import { jobOptions } from './job-options.ts';

export interface TimerQueues {
  signoffs: Queue;
  deployments: Queue;
  /** Absent in a process without the incident workers: escalation timers are then left to one that has them. */
  escalations?: Queue | undefined;
}

/** The timer rebuild's view of BullMQ: each timer added as its scheduler first added it (same name, data, options, id). */
export function timerJobsFor(queues: TimerQueues): TimerJobs {
  const queueOf = (timer: Timer): Queue | undefined =>
    timer.kind === 'escalation' ? queues.escalations : timer.kind === 'signoff_expiry' ? queues.signoffs : queues.deployments;
  return {
    async present(timer) {
      const queue = queueOf(timer);
      // Not ours to rebuild: report it present so it is neither armed nor counted.
      if (!queue) return true;
      return (await queue.getJob(timerJobId(timer))) !== undefined;
    },
    async arm(timer) {
      const jobId = timerJobId(timer);
      const delay = Math.max(0, timer.dueAt.getTime() - Date.now());
      switch (timer.kind) {
        case 'escalation':
          await queues.escalations?.add(
            'escalate',
            { incidentId: timer.subjectId, ...timer.step },
            { ...incidentJobOptions.escalation, jobId, delay },
          );
          return;
        case 'signoff_expiry':
          await queues.signoffs.add('expire', { requestId: timer.subjectId }, { ...jobOptions.signoff, jobId, delay });
          return;
        case 'plan_expiry':
          await queues.deployments.add('plan-expiry', { deploymentId: timer.subjectId }, { ...jobOptions.deployment, jobId, delay });
          return;
        case 'rollback_deadline':
          await queues.deployments.add('rollback-deadline', { deploymentId: timer.subjectId }, { ...jobOptions.deployment, jobId, delay });
          return;
      }
    },
  };
}
