import { pino, stdTimeFunctions, type DestinationStream } from 'pino';
import { rememberedSecretValues } from '../secrets/process-secrets.ts';
import { REDACTED, redactDeep, redactText, redactValues } from '../secrets/redact.ts';
import { currentLogContext } from './log-context.ts';

/**
 * The process logger: pino, one JSON line per event on stderr (stdout stays the CLI's), with every line redacted
 * and, inside a job, tagged with the job's ids (src/shared/log-context.ts). Call sites use the narrow `Logger` port.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * Fields censored by path whatever their value: Slack's tokens and signing secret, check and connection secrets.
 * The name-based redaction below covers any other secret-named field at any depth; these stay as a floor that
 * holds even if that heuristic changes.
 */
export const REDACT_PATHS = [
  'token',
  'botToken',
  'appToken',
  'signingSecret',
  'password',
  'secret',
  'authorization',
  'cookie',
  'apiKey',
  '*.token',
  '*.botToken',
  '*.appToken',
  '*.signingSecret',
  '*.password',
  '*.secret',
  '*.authorization',
  '*.cookie',
  '*.apiKey',
  'headers.cookie',
  'headers["x-slack-signature"]',
  'env.SLACK_BOT_TOKEN',
  'env.SLACK_SIGNING_SECRET',
  'env.SLACK_APP_TOKEN',
  'env.ADMIN_TOKEN',
  'env.BULL_BOARD_PASSWORD',
];

/** A line writer (tests capture lines with one) or a stream (stderr, or pino-pretty's). */
export type LogDestination = ((line: string) => void) | DestinationStream;

export function createLogger(level: LogLevel | 'silent', destination?: LogDestination): Logger {
  const stream: DestinationStream =
    destination === undefined
      ? // Synchronous, so the last lines before process.exit (a start-up error, a shutdown) are never lost.
        pino.destination({ fd: 2, sync: true })
      : typeof destination === 'function'
        ? { write: (line: string) => destination(line.endsWith('\n') ? line.slice(0, -1) : line) }
        : destination;
  const log = pino(
    {
      level,
      timestamp: stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      mixin: () => ({ ...currentLogContext() }),
      formatters: {
        level: (label) => ({ level: label }),
        // Every field (and the job context the mixin added): secret-named fields, URL credentials, resolved secret values.
        log: (fields) => redactDeep(fields, rememberedSecretValues()),
        bindings: (bindings) => redactDeep(bindings, rememberedSecretValues()),
      },
      // The last word on every line, whatever put a secret value into it.
      hooks: { streamWrite: (line) => redactValues(line, rememberedSecretValues()) },
    },
    stream,
  );
  const emit = (at: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
    if (!log.isLevelEnabled(at)) return;
    log[at](fields ?? {}, redactValues(redactText(message), rememberedSecretValues()));
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

export const silentLogger: Logger = createLogger('silent', () => undefined);

export function errorFields(error: unknown): Record<string, unknown> {
  if (error instanceof Error) return { err: error.message, errName: error.name };
  return { err: String(error) };
}
