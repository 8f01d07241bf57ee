import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument, visit, type Document } from 'yaml';
import type { z } from 'zod';
import { findDanglingReferences, findUnresolvableChecks } from './catalog.ts';
import { ReadinessConfig } from './readiness-config.schema.ts';
import { findDigestDanglingReferences } from '../digests/digest-config.ts';
import { acceptedKeysAt, describeUnknownKey } from './unknown-keys.ts';
import { findIncidentPermissionProblems } from '../incidents/incident-permissions.ts';
import { findUnguardedProtectedEnvironments } from './protected-environment.ts';
import { findReferenceProblems } from '../secrets/references.ts';

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
    // An empty key, or one with a dot, bracket, space or newline in it, would make the path ambiguous or split the line.
    if (typeof key === 'string' && AMBIGUOUS_KEY.test(key)) return `${acc}[${JSON.stringify(key)}]`;
    return acc === '' ? String(key) : `${acc}.${String(key)}`;
  }, '');
}

const AMBIGUOUS_KEY = /^$|[\s\p{C}.[\]":]/u;

/** One line per problem; an unknown key gets one line of its own, naming the key it probably meant. */
function describeIssues(issues: readonly z.core.$ZodIssue[], document: unknown): string[] {
  return issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const accepted = acceptedKeysAt(ReadinessConfig, document, issue.path);
      return issue.keys.map((key) => `${formatKeyPath([...issue.path, key])}: ${describeUnknownKey(key, accepted)}`);
    }
    return [`${formatKeyPath(issue.path) || '(top level)'}: ${issue.message}`];
  });
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Reads the raw document, not the validated config, so a duplicate id is reported together with the schema's
 * problems (a file with a bad timeout elsewhere still hears about it) instead of only once those are fixed.
 */
function findDuplicateCheckIds(document: unknown): string[] {
  const problems: string[] = [];
  const services = isRecord(document) ? document.services : undefined;
  if (!isRecord(services)) return problems;
  for (const [serviceName, service] of Object.entries(services)) {
    const checks = isRecord(service) ? service.checks : undefined;
    if (!Array.isArray(checks)) continue;
    const seen = new Map<string, number>();
    checks.forEach((check: unknown, index) => {
      const id = isRecord(check) ? check.id : undefined;
      if (typeof id !== 'string') return;
      const first = seen.get(id);
      if (first === undefined) seen.set(id, index);
      else problems.push(`${formatKeyPath(['services', serviceName, 'checks', index, 'id'])}: "${id}" is already used by checks[${first}]`);
    });
  }
  return problems;
}

/** Validates an already-parsed document; `source` names it in every error. */
export function parseReadinessConfig(document: unknown, source: string): ReadinessConfig {
  // Secret references are checked on the raw document, so a malformed one is reported with its key path whatever else is wrong.
  const duplicates = [...findDuplicateCheckIds(document), ...findReferenceProblems(document)];
  const result = ReadinessConfig.safeParse(document);
  if (!result.success) throw new ReadinessConfigError(source, [...describeIssues(result.error.issues, document), ...duplicates]);
  const problems = [
    ...duplicates,
    ...findDanglingReferences(result.data),
    ...findUnresolvableChecks(result.data),
    ...findDigestDanglingReferences(result.data.digests, result.data.services),
    ...findUnguardedProtectedEnvironments(result.data),
  ];
  problems.push(...findIncidentPermissionProblems(result.data.incidents.permissions, result.data.roles));
  if (problems.length > 0) throw new ReadinessConfigError(source, problems);
  return result.data;
}

/**
 * An alias inside the node it names (`&a [*a]`) makes `toJS` build a cyclic object, which every later check would
 * walk until the stack overflows; a config has no use for one, so it is refused with where it is.
 */
function findSelfReferencingAliases(document: Document, lines: LineCounter): string[] {
  const problems: string[] = [];
  visit(document, {
    Alias(_key, alias, ancestors) {
      const target = alias.resolve(document);
      if (target === undefined || !ancestors.includes(target)) return;
      const position = alias.range ? lines.linePos(alias.range[0]) : undefined;
      const where = position ? `line ${position.line}, column ${position.col}` : 'YAML';
      problems.push(`${where}: the alias *${alias.source} is inside the node it names, so the document would contain itself`);
    },
  });
  return problems;
}

/** `toJS` throws a ReferenceError for an alias with no anchor before it and for an alias bomb; both are the file's fault. */
function documentValue(document: Document, source: string): unknown {
  try {
    return document.toJS();
  } catch (error) {
    if (error instanceof ReferenceError) throw new ReadinessConfigError(source, [`YAML aliases: ${error.message}`]);
    throw error;
  }
}

export function parseReadinessYaml(text: string, source: string): ReadinessConfig {
  const lines = new LineCounter();
  const document = parseDocument(text, { prettyErrors: true, lineCounter: lines });
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
  const selfReferences = findSelfReferencingAliases(document, lines);
  if (selfReferences.length > 0) throw new ReadinessConfigError(source, selfReferences);
  return parseReadinessConfig(documentValue(document, source), source);
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
