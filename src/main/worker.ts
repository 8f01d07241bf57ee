import { parseEnv, WorkerEnv } from '../config/env.ts';
import { loadReadinessConfig } from '../config/readiness-config.ts';
import { createLogger } from '../shared/logger.ts';
import { startWorkerProcess } from './compose.ts';
import { exitOnStartupError, onShutdown } from './process.ts';
import { runtimeFromEnv } from './runtime.ts';

try {
  const env = parseEnv(WorkerEnv, process.env);
  const config = await loadReadinessConfig(env.READINESS_CONFIG);
  const logger = createLogger(env.LOG_LEVEL);
  const runtime = runtimeFromEnv(env, config, logger);
  const workers = await startWorkerProcess(runtime, { concurrency: env.WORKER_CONCURRENCY, deploymentLockMs: env.DEPLOYMENT_LOCK_MS });
  logger.info('readiness workers started', { concurrency: env.WORKER_CONCURRENCY, queues: workers.workers.map((w) => w.name) });
  onShutdown(logger, async () => {
    await workers.close();
    await runtime.close();
  });
} catch (error) {
  exitOnStartupError(error, 'worker');
}
