/*
 * Redaction: what a secret looks like wherever Readiness stores, renders, logs or enqueues text. Pure and
 * deterministic (the same input always redacts to the same output), so a stored spec can be compared with the
 * configured one (src/assessments/run-stored-check.ts, src/deployments/tasks/runnable-task.ts). A value that is
 * only a secret reference (`${env:TOKEN}`) is kept: it is a pointer, not a secret, and it is what makes a stored
 * spec runnable again.
 */

export const REDACTED = '***';

const REFERENCE = /\$\{(?:env|file):[^}]*\}/g;

/** Words that make a field, header or parameter name secret-bearing: `x-api-key`, `Authorization`, `db_password`, `signature`. */
const SECRET_WORDS = new Set([
  'authorization',
  'auth',
  'cookie',
  'cookies',
  'token',
  'tokens',
  'secret',
  'secrets',
  'password',
  'passwd',
  'pwd',
  'pass',
  'signature',
  'credential',
  'credentials',
  'apikey',
  'sessionid',
  'bearer',
]);
/** Inside one word too: `sslpassword`, `dbpasswd`, `clientsecret`, `accesstoken`. */
const SECRET_STEMS = ['password', 'passwd', 'secret', 'token', 'apikey'];
/** `api_key`, `accessKey`, `X-API-Key`, `private-key`: a key only when another word says what kind. */
const KEY_QUALIFIERS = new Set(['api', 'access', 'secret', 'private', 'session', 'signing', 'client', 'auth']);
/** Short names that are secret as URL query parameters (`?key=`, `?sig=`), too generic to redact as field names. */
const SECRET_QUERY_NAMES = new Set(['key', 'sig', 'code', 'session', 'sid', 'jwt', 'access_token', 'id_token', 'refresh_token']);

/** `xApiKey`, `x-api-key`, `X_API_KEY` → ['x', 'api', 'key']. */
function wordsOf(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '');
}

/** `authorizationError`, `tokenExpiresAt`, `secretReference`: about a secret, not one. */
const DESCRIPTIVE_LAST_WORDS = new Set([
  'error',
  'errors',
  'status',
  'type',
  'scheme',
  'url',
  'uri',
  'name',
  'names',
  'count',
  'length',
  'required',
  'expired',
  'expires',
  'at',
  'ms',
  'days',
  'set',
  'present',
  'reference',
  'references',
  'file',
  'path',
  'header',
  'role',
  'env',
  'ref',
]);

/** Slack's `response_url` lets whoever holds it post into the channel for 30 minutes: a capability, so a secret. */
const CAPABILITY_NAMES = new Set(['response url', 'webhook url']);

/**
 * Answers of isSecretName by name. A worker asks about the same few field names (`url`, `status`, `latencyMs`, a
 * spec's header names) for every check it runs; splitting each into words again was a good part of redacting an
 * outcome. Bounded, since names come from configs and answers; cleared whole when full.
 */
const secretNameAnswers = new Map<string, boolean>();
const MAX_REMEMBERED_NAMES = 2000;

/** Whether a field, header or parameter of this name carries a secret. */
export function isSecretName(name: string): boolean {
  let answer = secretNameAnswers.get(name);
  if (answer === undefined) {
    answer = nameCarriesSecret(name);
    if (secretNameAnswers.size >= MAX_REMEMBERED_NAMES) secretNameAnswers.clear();
    secretNameAnswers.set(name, answer);
  }
  return answer;
}

function nameCarriesSecret(name: string): boolean {
  const words = wordsOf(name);
  if (CAPABILITY_NAMES.has(words.join(' '))) return true;
  if (words.length > 1 && DESCRIPTIVE_LAST_WORDS.has(words.at(-1) ?? '')) return false;
  return words.some(
    (word, index) =>
      SECRET_WORDS.has(word) ||
      SECRET_STEMS.some((stem) => word.includes(stem)) ||
      (word === 'key' && index > 0 && KEY_QUALIFIERS.has(words[index - 1] ?? '')),
  );
}

const isSecretQueryName = (name: string) => isSecretName(name) || SECRET_QUERY_NAMES.has(name.toLowerCase());

/**
 * A secret-bearing value as it may be kept: as is when it is only a reference, optionally after an auth scheme
 * (`Bearer ${env:TOKEN}`), otherwise REDACTED.
 */
export function redactSecretValue(value: string): string {
  const withoutReferences = value.replace(REFERENCE, '');
  const onlyReferences = withoutReferences !== value && /^\s*(?:[A-Za-z][A-Za-z-]*\s+)?$/.test(withoutReferences);
  return onlyReferences || value === '' ? value : REDACTED;
}

/** A password-less userinfo this long is taken for a token (GitHub's are 40, GitLab's 26), not a user name. */
const TOKEN_AS_USER_LENGTH = 20;

// `scheme://user:password@` and `scheme://token@`: the authority's userinfo, up to the last '@' before the path.
// Greedy, '@' included: a password written with a raw '@' (`app:p@ss@db`) ends where URL parsers end it, at the last.
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#"'<>]*)@/gi;
// `?token=…` / `&api_key=…`: a query parameter, in a URL or on its own.
// The value stops before punctuation that ends a sentence (`…?token=abc, which`), as text quoting a URL has it.
const QUERY_PARAMETER = /([?&;])([^=&#\s"'<>]+)=([^&#\s"'<>]*?)(?=[,.;:)\]]*(?:[&#\s"'<>]|$))/g;
// `password=…` in a key=value connection string (libpq `host=db password=secret`). Only `=`: `token: expired` is prose.
// The name may carry a prefix (`DB_PASSWORD=`, `client_secret=`, `PGPASSWORD=`), as environment dumps and DSNs write it.
const KEY_VALUE_SECRET =
  /\b((?:[A-Za-z0-9]+[_-])*(?:password|passwd|pwd|secret|token|api[_-]?key)|[A-Za-z0-9]+(?:password|passwd))(\s*=\s*)("[^"]*"|'[^']*'|[^\s;&,"'}]+?(?=[.:)\]]*(?:[\s;&,"'}]|$)))/gi;
// `"password": "…"` / `"X-Api-Key":"…"`: a JSON member quoted in text (an error body, a config dump). A quoted name
// before a colon is a key, not prose, so the value goes whenever the name is secret-bearing.
const JSON_MEMBER = /"([^"\\\n]{1,64})"(\s*:\s*)"((?:[^"\\\n]|\\.)*)"/g;
// `Bearer abc…` / `Basic dXNl…` in free text (an error message quoting a header).
const AUTH_SCHEME = /\b(Bearer\s+[A-Za-z0-9._~+/=-]{8,}|Basic\s+(?=[A-Za-z+/]*[0-9+/=])[A-Za-z0-9+/]{8,}={0,2})/g;

/**
 * Text with every credential it shows replaced: URL userinfo, secret query parameters, key=value secrets, auth schemes.
 * Each pattern runs only on text holding the character or word it cannot match without (`@`, `=`, `"`, `Bearer` /
 * `Basic`): most of what a worker redacts (`https://api/health answered 200 in 12 ms`) has none, and is returned as is.
 */
export function redactText(text: string): string {
  if (text === '') return text;
  let redacted = text;
  if (redacted.includes('@')) redacted = redactUserinfo(redacted);
  if (redacted.includes('=')) redacted = redactQueryParameters(redacted);
  if (redacted.includes('"')) redacted = redactJsonMembers(redacted);
  if (redacted.includes('=')) redacted = redactKeyValueSecrets(redacted);
  if (redacted.includes('Bearer') || redacted.includes('Basic'))
    redacted = redacted.replace(AUTH_SCHEME, (whole: string) => `${whole.split(/\s+/)[0] ?? ''} ${REDACTED}`);
  return redacted;
}

function redactUserinfo(text: string): string {
  return text.replace(USERINFO, (_whole, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(':');
    // A user name alone (`postgres@`) is not a secret; a token in its place (`https://ghp_…@github.com`) is.
    if (colon === -1) return userinfo.length >= TOKEN_AS_USER_LENGTH ? `${scheme}${redactSecretValue(userinfo)}@` : `${scheme}${userinfo}@`;
    const password = userinfo.slice(colon + 1);
    return `${scheme}${userinfo.slice(0, colon)}:${redactSecretValue(password)}@`;
  });
}

function redactQueryParameters(text: string): string {
  return text.replace(QUERY_PARAMETER, (whole, separator: string, name: string, value: string) =>
    isSecretQueryName(decodeSafely(name)) ? `${separator}${name}=${redactSecretValue(decodeSafely(value)) === REDACTED ? REDACTED : value}` : whole,
  );
}

function redactJsonMembers(text: string): string {
  return text.replace(JSON_MEMBER, (whole, name: string, separator: string, value: string) =>
    isSecretName(name) && redactSecretValue(value) === REDACTED ? `"${name}"${separator}"${REDACTED}"` : whole,
  );
}

function redactKeyValueSecrets(text: string): string {
  return text.replace(KEY_VALUE_SECRET, (whole, name: string, separator: string, value: string) => {
    const quote = value.startsWith('"') || value.startsWith("'") ? value[0] : '';
    const inner = quote === '' ? value : value.slice(1, -1);
    return redactSecretValue(inner) === REDACTED ? `${name}${separator}${quote}${REDACTED}${quote}` : whole;
  });
}

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/**
 * Replaces every occurrence of the given secret values (and their URL-encoded forms) in text, and the start of one
 * cut short by a truncation (`abc123…`): text is shortened before it is redacted, at a length, not at a secret.
 */
export function redactValues(text: string, values: readonly string[]): string {
  let redacted = text;
  for (const value of values) {
    for (const form of new Set([value, encodeURIComponent(value)])) {
      if (form.length < MIN_VALUE_LENGTH) continue;
      if (redacted.includes(form)) redacted = redacted.split(form).join(REDACTED);
      if (redacted.includes(ELLIPSIS)) redacted = redactTruncatedStart(redacted, form);
    }
  }
  return redacted;
}

/** What `truncate` (src/shared/text.ts) ends a shortened text with. */
const ELLIPSIS = '…';

/** `…the start of the secr…` → `…the start of the ***…`: the longest start of `value` right before each ellipsis. */
function redactTruncatedStart(text: string, value: string): string {
  let result = '';
  let rest = text;
  for (let at = rest.indexOf(ELLIPSIS); at !== -1; at = rest.indexOf(ELLIPSIS)) {
    let cut = 0;
    for (let length = Math.min(value.length - 1, at); length >= MIN_VALUE_LENGTH; length -= 1) {
      if (rest.slice(at - length, at) === value.slice(0, length)) {
        cut = length;
        break;
      }
    }
    result += (cut > 0 ? rest.slice(0, at - cut) + REDACTED : rest.slice(0, at)) + ELLIPSIS;
    rest = rest.slice(at + ELLIPSIS.length);
  }
  return result + rest;
}

/** A credential after its auth scheme (`Bearer abc`, `token ghp_…`): the part that is the secret. */
const AFTER_SCHEME = /^[A-Za-z][A-Za-z-]*\s+(\S.*)$/;
const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * The secret values a spec holds as it is about to run, literals written in readiness.yaml included: the values of
 * secret-named fields and headers (`X-Api-Key: abc`, and the credential after an auth scheme), URL passwords (or a
 * token in the user's place) and secret query parameters. Redacting an outcome by these values too means an
 * endpoint that echoes what it was sent (a 401 body quoting the request headers) cannot put them in a row or a
 * message, whatever shape it quotes them in.
 */
export function secretValuesOf(spec: unknown): string[] {
  const found = new Set<string>();
  const add = (candidate: string) => {
    if (candidate.length >= MIN_VALUE_LENGTH) found.add(candidate);
  };
  const visit = (value: unknown, name: string | undefined, depth: number) => {
    if (typeof value === 'string') {
      if (name !== undefined && isSecretName(name)) {
        add(value);
        const credential = AFTER_SCHEME.exec(value)?.[1];
        if (credential !== undefined) add(credential);
      }
      if (URL_LIKE.test(value)) for (const secret of urlSecrets(value)) add(secret);
      return;
    }
    if (depth > 20 || value === null || typeof value !== 'object' || value instanceof Date) return;
    if (Array.isArray(value)) for (const item of value) visit(item, name, depth + 1);
    else for (const [key, inner] of Object.entries(value)) visit(inner, key, depth + 1);
  };
  visit(spec, undefined, 0);
  return [...found];
}

function urlSecrets(text: string): string[] {
  // Credentials sit in the userinfo (before an '@') or the query (after a '?'): a URL with neither has none to parse.
  if (!text.includes('@') && !text.includes('?')) return [];
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return [];
  }
  const secrets: string[] = [];
  if (url.password !== '') secrets.push(url.password, decodeSafely(url.password));
  else if (url.username.length >= TOKEN_AS_USER_LENGTH) secrets.push(url.username, decodeSafely(url.username));
  for (const [name, value] of url.searchParams) if (isSecretQueryName(name)) secrets.push(value);
  return secrets;
}

/**
 * Shorter resolved values are not redacted by value: replacing every "ab" in a message would shred it without
 * protecting anything (a secret that short is not one). They are still redacted wherever their name says so.
 */
export const MIN_VALUE_LENGTH = 4;

/**
 * Any JSON-like value with its secrets redacted: a field whose name is secret-bearing keeps only references, every
 * string is redactText-ed, and each of `values` (secrets resolved for this run) is replaced wherever it appears.
 * Never mutates its input.
 */
export function redactDeep<T>(value: T, values: readonly string[] = []): T {
  return walk(value, undefined, values, 0) as T;
}

function walk(value: unknown, name: string | undefined, values: readonly string[], depth: number): unknown {
  if (typeof value === 'string') {
    if (name !== undefined && isSecretName(name)) return redactSecretValue(value);
    return redactValues(redactText(value), values);
  }
  if (depth > 20 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => walk(item, name, values, depth + 1));
  if (value instanceof Date) return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, walk(inner, key, values, depth + 1)]));
}

/** Whether redaction took anything out of this value: a stored spec that did needs its secrets from the config to run. */
export function containsRedaction(value: unknown): boolean {
  return JSON.stringify(value ?? null).includes(REDACTED);
}
