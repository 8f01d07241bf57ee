import { rememberedSecretValues } from '../secrets/process-secrets.ts';
import { redactDeep, redactText, redactValues } from '../secrets/redact.ts';

/** A structured one-line-JSON logger: enough for `docker logs | jq` without another dependency. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export function createLogger(
  level: LogLevel | 'silent',
  write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Logger {
  const emit = (at: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
    if (level === 'silent' || ORDER[at] < ORDER[level]) return;
    // Redacted on the way out: secret-named fields, URL credentials and every secret value this process resolved.
    const secrets = rememberedSecretValues();
    write(JSON.stringify({ level: at, time: new Date().toISOString(), msg: redactValues(redactText(message), secrets), ...redactDeep(fields, secrets) }));
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

export const silentLogger: Logger = createLogger('silent');

export function errorFields(error: unknown): Record<string, unknown> {
  if (error instanceof Error) return { err: error.message, errName: error.name };
  return { err: String(error) };
}
