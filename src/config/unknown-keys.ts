import type { z } from 'zod';

/**
 * Unknown keys in readiness.yaml are errors, because a misspelt key (`timeoutMS`) would otherwise be dropped and
 * the check would run with its default. This module turns zod's "unrecognized key" into a sentence a person can
 * act on: the key's path and, when one is close, the key they probably meant. The accepted keys come from the
 * schema itself, so keys other modules add are suggested without anyone keeping a list.
 */

type AnySchema = z.core.$ZodType;

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The schema a wrapper (optional, default, a transform's input…) validates its input with. */
function unwrap(schema: AnySchema): AnySchema {
  let current = schema;
  for (let depth = 0; depth < 32; depth += 1) {
    const def = (current as z.core.$ZodTypes)._zod.def;
    switch (def.type) {
      case 'optional':
      case 'nullable':
      case 'default':
      case 'prefault':
      case 'nonoptional':
      case 'catch':
      case 'readonly':
        current = def.innerType;
        break;
      case 'pipe':
        current = def.in;
        break;
      case 'lazy':
        current = def.getter();
        break;
      default:
        return current;
    }
  }
  return current;
}

/** The options of a union that could have produced `value`: for a discriminated union, the one its `type` picks. */
function unionOptions(def: z.core.$ZodUnionDef | z.core.$ZodDiscriminatedUnionDef, value: unknown): AnySchema[] {
  const options = [...def.options];
  if (!('discriminator' in def) || !isRecord(value)) return options;
  const discriminator = def.discriminator;
  const chosen = options.filter((option) => {
    const inner = unwrap(option) as z.core.$ZodTypes;
    if (inner._zod.def.type !== 'object') return false;
    const field = inner._zod.def.shape[discriminator];
    return field !== undefined && (field as z.ZodType).safeParse(value[discriminator]).success;
  });
  return chosen.length > 0 ? chosen : options;
}

/** The keys of an object schema, or of a record whose keys are an enum (`runbooks`); none for free-form records. */
function ownKeys(def: z.core.$ZodTypes['_zod']['def']): string[] {
  if (def.type === 'object') return Object.keys(def.shape);
  if (def.type !== 'record') return [];
  const keyDef = (unwrap(def.keyType) as z.core.$ZodTypes)._zod.def;
  return keyDef.type === 'enum' ? Object.values(keyDef.entries).map(String) : [];
}

/** The keys accepted by every schema that validates the value at `path` of `document`, following its own values. */
function keySetsAt(schema: AnySchema, value: unknown, path: readonly PropertyKey[]): string[][] {
  const inner = unwrap(schema) as z.core.$ZodTypes;
  const def = inner._zod.def;
  if (def.type === 'union') return unionOptions(def, value).flatMap((option) => keySetsAt(option, value, path));
  if (def.type === 'intersection') return [...keySetsAt(def.left, value, path), ...keySetsAt(def.right, value, path)];
  const [head, ...rest] = path;
  if (head === undefined) return [ownKeys(def)];
  const child = isRecord(value) || Array.isArray(value) ? (value as Record<PropertyKey, unknown>)[head] : undefined;
  switch (def.type) {
    case 'object': {
      const field = typeof head === 'string' && Object.hasOwn(def.shape, head) ? def.shape[head] : def.catchall;
      return field ? keySetsAt(field, child, rest) : [];
    }
    case 'record':
      return keySetsAt(def.valueType, child, rest);
    case 'array':
      return keySetsAt(def.element, child, rest);
    default:
      return [];
  }
}

/** The keys the object at `path` of `document` accepts, in the schema's order; empty when the path leads nowhere. */
export function acceptedKeysAt(schema: AnySchema, document: unknown, path: readonly PropertyKey[]): string[] {
  return [...new Set(keySetsAt(schema, document, path).flat())];
}

/** `timeoutMS`, `timeout_ms` and `TimeoutMs` all read as `timeoutms`. */
const normalize = (key: string) => key.toLowerCase().replace(/[_-]/g, '');

/** `sev5` is not a typo of `sev1`: keys that differ only in their digits are different keys. */
const differOnlyInDigits = (a: string, b: string) => a.replace(/\d/g, '0') === b.replace(/\d/g, '0');

/** Edits (insert, delete, replace, swap two neighbours) that turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number) => rows[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      (rows[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * The accepted key `unknown` is most likely a misspelling of: the same key in another case or separator style,
 * else the closest within about one edit in three characters (at least one). None when nothing is that close,
 * so a key that is simply wrong is not "corrected" to an unrelated one.
 */
export function suggestKey(unknown: string, accepted: readonly string[]): string | undefined {
  const wanted = normalize(unknown);
  const same = accepted.find((key) => normalize(key) === wanted);
  if (same !== undefined) return same;
  let best: { key: string; distance: number } | undefined;
  for (const key of accepted) {
    const candidate = normalize(key);
    const allowed = Math.min(3, Math.max(1, Math.floor(Math.max(candidate.length, wanted.length) / 3)));
    const distance = editDistance(wanted, candidate);
    if (differOnlyInDigits(wanted, candidate)) continue;
    if (distance <= allowed && (best === undefined || distance < best.distance)) best = { key, distance };
  }
  return best?.key;
}

/**
 * One sentence for an unknown key: `did you mean …?` when a close key exists, else the keys that are accepted
 * there. The key is quoted as written; the caller puts its path in front.
 */
export function describeUnknownKey(key: string, accepted: readonly string[]): string {
  const suggestion = suggestKey(key, accepted);
  if (suggestion !== undefined) return `unknown key; did you mean \`${suggestion}\`?`;
  if (accepted.length === 0) return 'unknown key';
  return `unknown key; accepted here: ${accepted.join(', ')}`;
}
