/** Parses `$.checks.db.status`, `items[0].name` or `status` into keys; undefined when malformed. */
export function parseJsonPath(path: string): (string | number)[] | undefined {
  const body = path.trim().replace(/^\$\.?/, '');
  if (body === '') return [];
  const keys: (string | number)[] = [];
  const pattern = /([A-Za-z_$][\w$-]*)|\[(\d+)\]|\["([^"]+)"\]|(\.)/gy;
  let expectKey = true;
  let consumed = 0;
  for (let match = pattern.exec(body); match !== null; match = pattern.exec(body)) {
    consumed = pattern.lastIndex;
    if (match[4] !== undefined) {
      if (expectKey) return undefined;
      expectKey = true;
      continue;
    }
    if (match[1] !== undefined) {
      if (!expectKey) return undefined;
      keys.push(match[1]);
    } else if (match[2] !== undefined) keys.push(Number(match[2]));
    else if (match[3] !== undefined) keys.push(match[3]);
    expectKey = false;
  }
  return consumed === body.length && !expectKey ? keys : undefined;
}

export type JsonLookup = { found: true; value: unknown } | { found: false; missingAt: string };

export function lookupJsonPath(document: unknown, keys: readonly (string | number)[]): JsonLookup {
  let current: unknown = document;
  let walked = '$';
  for (const key of keys) {
    walked += typeof key === 'number' ? `[${key}]` : `.${key}`;
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) return { found: false, missingAt: walked };
    current = (current as Record<string | number, unknown>)[key];
  }
  return { found: true, value: current };
}
