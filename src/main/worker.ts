import './v8-flags.ts';
import { parseEnv, WorkerEnv } from '../config/env.ts';
import { loadReadinessConfig } from '../config/readiness-config.ts';
import { createProcessLogger } from '../shared/process-logger.ts';
import { startWorkerProcess } from './compose.ts';
import { exitOnStartupError, onShutdown } from './process.ts';
import { runtimeFromEnv } from './runtime.ts';
import { WORKER_STOP_GRACE_MS } from '../queue/job-options.ts';

try {
  const env = parseEnv(WorkerEnv, process.env);
  const config = await loadReadinessConfig(env.READINESS_CONFIG);
  const logger = createProcessLogger(env);
  const runtime = runtimeFromEnv(env, config, logger);
  const starting = startWorkerProcess(runtime, {
    concurrency: env.WORKER_CONCURRENCY,
    deploymentLockMs: env.DEPLOYMENT_LOCK_MS,
    infrastructureRetryWindowMs: env.INFRA_RETRY_WINDOW_MS,
    inboxLeaseMs: env.INBOX_LEASE_MS,
    admin: { host: env.ADMIN_HOST, port: env.ADMIN_PORT, token: env.ADMIN_TOKEN },
  });
  // Workers take jobs before start-up has finished (the incident sweep, for one), so a SIGTERM must already be
  // a graceful stop by then.
  // Running jobs get WORKER_STOP_GRACE_MS, then go back to the queue; the force exit is only for a stop that hangs.
  onShutdown(
    logger,
    async () => {
      const workers = await starting.catch(() => undefined);
      const stopped = await workers?.close();
      logger.info('readiness workers stopped', { ...stopped });
      await runtime.close();
    },
    WORKER_STOP_GRACE_MS + 10_000,
  );
  const workers = await starting;
  logger.info('readiness workers started', {
    concurrency: env.WORKER_CONCURRENCY,
    admin: workers.adminUrl,
    queues: workers.workers.map((w) => w.name),
  });
} catch (error) {
  exitOnStartupError(error, 'worker');
}
