import { ConfigError } from '../config/env.ts';
import { ReadinessConfigError } from '../config/readiness-config.ts';
import type { Logger } from '../shared/logger.ts';

/** Configuration problems are the user's to fix: one clear message on stderr and exit 2, never a stack trace. */
export function exitOnStartupError(error: unknown, what: string): never {
  if (error instanceof ConfigError || error instanceof ReadinessConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`Readiness ${what} could not start: ${message.split('\n')[0]}\n`);
  process.exit(1);
}

/**
 * Stops once on SIGINT/SIGTERM, letting running jobs and requests finish; a second signal, or a stop that
 * outlives `graceMs`, exits at once.
 */
export function onShutdown(logger: Logger, stop: () => Promise<void>, graceMs = 30_000): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info('shutting down; waiting for running work to finish', { signal });
    const force = setTimeout(() => {
      logger.error('shutdown took too long; exiting', { graceMs });
      process.exit(1);
    }, graceMs);
    force.unref();
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('error while shutting down', { err: (error as Error).message });
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
