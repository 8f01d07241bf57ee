import { readFile } from 'node:fs/promises';
import type { SecretSource } from './references.ts';
import { MIN_VALUE_LENGTH } from './redact.ts';

/** The process environment and the file system: where `${env:…}` and `${file:…}` resolve in the worker and the CLI. */
export const processSecretSource: SecretSource = {
  env: (name) => process.env[name],
  readFile: (path) => readFile(path, 'utf8'),
};

/**
 * Secret values this process has resolved, so the logger can redact them by value wherever they turn up (an
 * error message quoting a connection string, a library's own text). Bounded: a long-lived worker that sees many
 * rotating secrets keeps the most recent ones.
 */
const MAX_REMEMBERED = 500;
const remembered = new Set<string>();

export function rememberSecretValues(values: readonly string[]): void {
  for (const value of values) {
    if (value.length < MIN_VALUE_LENGTH) continue;
    remembered.delete(value);
    remembered.add(value);
    if (remembered.size > MAX_REMEMBERED) remembered.delete(remembered.values().next().value as string);
  }
}

export function rememberedSecretValues(): readonly string[] {
  return [...remembered];
}
