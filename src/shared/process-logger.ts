import { createRequire } from 'node:module';
import type { DestinationStream } from 'pino';
import { createLogger, type Logger, type LogLevel } from './logger.ts';

/** How log lines look: one JSON object per line (production, log shippers) or pino-pretty's coloured lines (a person at a terminal). */
export type LogFormat = 'json' | 'pretty';

/**
 * LOG_FORMAT when set; otherwise pretty only for a person at a terminal (stderr is a TTY) outside production,
 * so a container, a pipe or NODE_ENV=production always gets JSON.
 */
export function chooseLogFormat(setting: LogFormat | undefined, stderrIsTty: boolean, nodeEnv: string | undefined): LogFormat {
  if (setting !== undefined) return setting;
  return stderrIsTty && nodeEnv !== 'production' ? 'pretty' : 'json';
}

type PrettyFactory = (options: Record<string, unknown>) => DestinationStream;

/** pino-pretty is a devDependency: a production install (`npm ci --omit=dev`) does not have it, and JSON is used instead. */
function loadPinoPretty(): PrettyFactory | undefined {
  try {
    return createRequire(import.meta.url)('pino-pretty') as PrettyFactory;
  } catch {
    return undefined;
  }
}

/** The logger of a bot, worker or demo process, from LOG_LEVEL, LOG_FORMAT and NODE_ENV. */
export function createProcessLogger(env: { LOG_LEVEL: LogLevel; LOG_FORMAT?: LogFormat | undefined; NODE_ENV?: string | undefined }): Logger {
  const format = chooseLogFormat(env.LOG_FORMAT, process.stderr.isTTY === true, env.NODE_ENV);
  if (format === 'json') return createLogger(env.LOG_LEVEL);
  const pretty = loadPinoPretty();
  if (!pretty) {
    const logger = createLogger(env.LOG_LEVEL);
    if (env.LOG_FORMAT === 'pretty') logger.warn('LOG_FORMAT=pretty needs pino-pretty, a development dependency not installed here; logging JSON');
    return logger;
  }
  // Redaction runs before pino-pretty sees a line: it formats what the JSON logger would have written.
  return createLogger(
    env.LOG_LEVEL,
    pretty({ destination: 2, sync: true, colorize: process.stderr.isTTY === true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' }),
  );
}
