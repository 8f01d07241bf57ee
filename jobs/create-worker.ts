import { hostname } from 'node:os';
import { Worker, type Job, type Processor, type WorkerOptions } from 'bullmq';
import { withLogContext } from '../src/shared/log-context.ts';
import { workerLocks } from '../src/queue/job-options.ts';
import { jobLogFields } from './job-log-fields.ts';
import { backoffStrategy } from '../src/queue/job-options.ts';

/**
 * Which process runs a job: BullMQ stores a worker's name on each job it takes (`processedBy`), so the queue board,
 * a log search or a chaos run can tell which replica held a job when it died.
 */
export const WORKER_PROCESS_NAME = `${hostname()}:${process.pid}`;

/** A job this process is running, with the lock token that lets it hand the job back (see stopWorkers). */
export interface RunningJob {
  job: Job;
  token: string | undefined;
}

const runningJobs = new WeakMap<Worker, Map<string, RunningJob>>();

/** The jobs a worker made by createWorker is running now. */
export function runningJobsOf(worker: Worker): RunningJob[] {
  return [...(runningJobs.get(worker)?.values() ?? [])];
}

/**
 * Every Readiness worker: a BullMQ worker whose processor runs inside its job's log context, so each line logged
 * while the job runs, however deep, carries its queue, jobId and the assessment/deployment/incident it is about.
 * Its locks are short (workerLocks) unless `options` says otherwise, and it remembers the jobs it is running so
 * a stop can hand them back instead of leaving them locked.
 */
export function createWorker(queueName: string, processor: Processor, options: WorkerOptions): Worker {
  const running = new Map<string, RunningJob>();
  const worker = new Worker(
    queueName,
    async (job, token, signal) => {
      const key = job.id ?? '';
      running.set(key, { job, token });
      try {
        return await withLogContext(jobLogFields(queueName, job), () => processor(job, token, signal));
      } finally {
        running.delete(key);
      }
    },
    { name: WORKER_PROCESS_NAME, ...workerLocks, ...options, settings: { backoffStrategy, ...options.settings } },
  );
  runningJobs.set(worker, running);
  return worker;
}
