import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { findDanglingReferences, findUnresolvableChecks } from './catalog.ts';
import { ReadinessConfig } from './readiness-config.schema.ts';
import { findDigestDanglingReferences } from '../digests/digest-config.ts';

export class ReadinessConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source} is not a valid readiness config:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ReadinessConfigError';
  }
}

/** `services.checkout.checks[3].threshold`: the form a user can search for in their YAML. */
export function formatKeyPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => {
    if (typeof key === 'number') return `${acc}[${key}]`;
    return acc === '' ? String(key) : `${acc}.${String(key)}`;
  }, '');
}

function describeIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => `${formatKeyPath(issue.path) || '(top level)'}: ${issue.message}`);
}

function findDuplicateCheckIds(config: ReadinessConfig): string[] {
  const problems: string[] = [];
  for (const [serviceName, service] of Object.entries(config.services)) {
    const seen = new Map<string, number>();
    service.checks.forEach((check, index) => {
      const first = seen.get(check.id);
      if (first === undefined) seen.set(check.id, index);
      else problems.push(`services.${serviceName}.checks[${index}].id: "${check.id}" is already used by checks[${first}]`);
    });
  }
  return problems;
}

/** Validates an already-parsed document; `source` names it in every error. */
export function parseReadinessConfig(document: unknown, source: string): ReadinessConfig {
  const result = ReadinessConfig.safeParse(document);
  if (!result.success) throw new ReadinessConfigError(source, describeIssues(result.error.issues));
  const problems = [...findDuplicateCheckIds(result.data), ...findDanglingReferences(result.data), ...findUnresolvableChecks(result.data), ...findDigestDanglingReferences(result.data.digests, result.data.services)];
  if (problems.length > 0) throw new ReadinessConfigError(source, problems);
  return result.data;
}

export function parseReadinessYaml(text: string, source: string): ReadinessConfig {
  const document = parseDocument(text, { prettyErrors: true });
  if (document.errors.length > 0) {
    throw new ReadinessConfigError(
      source,
      document.errors.map((error) => {
        const position = error.linePos?.[0];
        const where = position ? `line ${position.line}, column ${position.col}` : 'YAML';
        return `${where}: ${error.message.split('\n')[0]}`;
      }),
    );
  }
  return parseReadinessConfig(document.toJS(), source);
}

export async function loadReadinessConfig(path: string): Promise<ReadinessConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
    throw new ReadinessConfigError(path, [`${reason} (set READINESS_CONFIG to your readiness.yaml)`]);
  }
  return parseReadinessYaml(text, path);
}
