/*
 * Secret references in readiness.yaml: `${env:NAME}` and `${file:/absolute/path}`, allowed in any string. The
 * config keeps them as written (the loader checks only their syntax); they are resolved at the moment a check or
 * webhook runs, so the secret is never in the parsed config, a stored row, a job or a message.
 */

/** Where resolved secrets come from; the worker's is the process environment and the file system. */
export interface SecretSource {
  env(name: string): string | undefined;
  /** The file's text; throws when it cannot be read. */
  readFile(path: string): Promise<string>;
}

const REFERENCE = /\$\{(env|file):([^}]*)\}/g;
/** `$${` is a literal `${` (PromQL's label_replace writes `${1}`): written `$${1}`, sent as `${1}`. */
const ESCAPED = '$${';
const REFERENCE_OR_ESCAPE = /\$\$\{|\$\{(env|file):([^}]*)\}/g;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export type ReferenceKind = 'env' | 'file';

/**
 * Readiness's own credentials (src/config/env.ts). A check or webhook sends what it references to its target, so a
 * reference to one of these would hand the bot's Slack token, its signing secret, its database or its admin token
 * to whoever runs that target: whoever may edit readiness.yaml is not thereby trusted with the bot's keys.
 */
export const OWN_CREDENTIALS: ReadonlySet<string> = new Set([
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_APP_TOKEN',
  'DATABASE_URL',
  'REDIS_URL',
  'ADMIN_TOKEN',
  'BULL_BOARD_PASSWORD',
  'REDIS_SENTINEL_PASSWORD',
]);

/** `/proc/self/environ` and the like hold the worker's whole environment, Readiness's own credentials included. */
const PROCESS_FILES = /^\/proc(?:\/|$)/;
const processFileProblem = (path: string) =>
  `${path} is under /proc, which holds the worker's own environment and credentials; a check or webhook may not reference it`;

const ownCredentialProblem = (name: string) =>
  `${name} is Readiness's own credential; a check or webhook may not reference it (give the check a variable of its own)`;

/** What is wrong with the references in one string, or undefined when they are all well formed. */
export function referenceSyntaxProblem(raw: string): string | undefined {
  const text = raw.split(ESCAPED).join('');
  for (const match of text.matchAll(REFERENCE)) {
    const [whole, kind, target = ''] = match;
    if (kind === 'env' && !ENV_NAME.test(target))
      return `${whole} is not a valid reference: \${env:NAME} needs a variable name (letters, digits, "_")`;
    if (kind === 'env' && OWN_CREDENTIALS.has(target)) return `${whole} is not allowed: ${ownCredentialProblem(target)}`;
    if (kind === 'file' && !target.startsWith('/')) return `${whole} is not a valid reference: \${file:/path} needs an absolute path`;
    if (kind === 'file' && PROCESS_FILES.test(target)) return `${whole} is not allowed: ${processFileProblem(target)}`;
  }
  const rest = text.replace(REFERENCE, '');
  const stray = rest.indexOf('${');
  if (stray !== -1) {
    const start = rest.slice(stray, stray + 40);
    return `"${start}${rest.length > stray + 40 ? '…' : ''}" is not a valid reference: use \${env:NAME} or \${file:/absolute/path} (or $\${ for a literal \${)`;
  }
  return undefined;
}

/** Every malformed reference in a parsed document, with the key path of the string that holds it. */
export function findReferenceProblems(document: unknown): string[] {
  const problems: string[] = [];
  const visit = (value: unknown, path: string) => {
    if (typeof value === 'string') {
      const problem = referenceSyntaxProblem(value);
      if (problem !== undefined) problems.push(`${path || '(top level)'}: ${problem}`);
    } else if (Array.isArray(value)) {
      for (const [index, item] of value.entries()) visit(item, `${path}[${index}]`);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) visit(inner, path === '' ? key : `${path}.${key}`);
    }
  };
  visit(document, '');
  return problems;
}

export const hasReference = (text: string) => /\$\{(?:env|file):/.test(text);

export type Resolution<T> = { ok: true; value: T; secrets: string[] } | { ok: false; reference: string; problem: string };

/** Reads one reference; the message names the reference, never a value. */
async function readReference(
  kind: ReferenceKind,
  target: string,
  source: SecretSource,
): Promise<{ ok: true; value: string } | { ok: false; problem: string }> {
  if (kind === 'env') {
    if (OWN_CREDENTIALS.has(target)) return { ok: false, problem: ownCredentialProblem(target) };
    const value = source.env(target);
    return value === undefined || value === '' ? { ok: false, problem: `the environment variable ${target} is not set` } : { ok: true, value };
  }
  if (PROCESS_FILES.test(target)) return { ok: false, problem: processFileProblem(target) };
  try {
    // A trailing newline is how editors and `echo` end a file; it is never part of the secret.
    const value = (await source.readFile(target)).replace(/\r?\n$/, '');
    return value === '' ? { ok: false, problem: `the file ${target} is empty` } : { ok: true, value };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, problem: `the file ${target} cannot be read${code ? ` (${code})` : ''}` };
  }
}

/** Whether any string in `value` has `${` in it (a reference or an escape): what resolveReferences has to rewrite. */
function holdsReferenceSyntax(value: unknown, depth: number): boolean {
  if (typeof value === 'string') return value.includes('${');
  // Deeper than any spec: let the full walk deal with it rather than guess.
  if (depth > 64) return true;
  if (value === null || typeof value !== 'object' || value instanceof Date) return false;
  if (Array.isArray(value)) return value.some((item) => holdsReferenceSyntax(item, depth + 1));
  for (const key in value) if (Object.hasOwn(value, key) && holdsReferenceSyntax((value as Record<string, unknown>)[key], depth + 1)) return true;
  return false;
}

/**
 * Resolves every reference in every string of `value` (nested objects and arrays too), returning the resolved copy
 * and the secret values it put in, so what the run shows can be redacted by value (a value without any reference is
 * returned as it is, not copied). The first reference that cannot be resolved ends it, naming the reference.
 */
export async function resolveReferences<T>(value: T, source: SecretSource): Promise<Resolution<T>> {
  // Most specs hold no reference (nor a `$${` escape): they run as they are, without a copy or a promise per field.
  if (!holdsReferenceSyntax(value, 0)) return { ok: true, value, secrets: [] };
  const secrets = new Set<string>();
  const cache = new Map<string, string>();
  let failure: { reference: string; problem: string } | undefined;

  const resolveString = async (text: string): Promise<string> => {
    if (!text.includes('${')) return text;
    let resolved = '';
    let last = 0;
    for (const match of text.matchAll(REFERENCE_OR_ESCAPE)) {
      const [whole, kind, target = ''] = match;
      resolved += text.slice(last, match.index);
      last = match.index + whole.length;
      if (whole === ESCAPED) {
        resolved += '${';
        continue;
      }
      let secret = cache.get(whole);
      if (secret === undefined) {
        const read = await readReference(kind as ReferenceKind, target, source);
        if (!read.ok) {
          failure ??= { reference: whole, problem: read.problem };
          return text;
        }
        secret = read.value;
        cache.set(whole, secret);
      }
      secrets.add(secret);
      resolved += secret;
    }
    return resolved + text.slice(last);
  };

  const walk = async (inner: unknown): Promise<unknown> => {
    if (typeof inner === 'string') return resolveString(inner);
    if (Array.isArray(inner)) return Promise.all(inner.map(walk));
    if (inner !== null && typeof inner === 'object' && !(inner instanceof Date)) {
      const entries = await Promise.all(Object.entries(inner).map(async ([key, item]) => [key, await walk(item)] as const));
      return Object.fromEntries(entries);
    }
    return inner;
  };

  const resolved = (await walk(value)) as T;
  if (failure) return { ok: false, ...failure };
  return { ok: true, value: resolved, secrets: [...secrets] };
}
