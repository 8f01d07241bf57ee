import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { formatKeyPath, parseReadinessConfig, parseReadinessYaml, ReadinessConfigError } from '../../src/config/readiness-config.ts';
import { projectRoot } from '../../src/shared/paths.ts';
import { fuzzParameters, HOSTILE_TOKENS } from './fuzz-runs.ts';

const exampleText = readFileSync(join(projectRoot, 'examples', 'readiness.yaml'), 'utf8');
const exampleDocument = structuredClone(parseReadinessYaml(exampleText, 'examples/readiness.yaml')) as unknown;

/**
 * The loader's contract: a config, or a ReadinessConfigError whose every line says where (a key path, a YAML
 * line and column, or the top level) and what; never another exception, never a stack trace.
 */
function expectConfigOrClearError(load: () => unknown) {
  let error: unknown;
  try {
    load();
    return;
  } catch (thrown) {
    error = thrown;
  }
  if (!(error instanceof ReadinessConfigError)) throw error;
  expect(error.problems.length).toBeGreaterThan(0);
  for (const problem of error.problems) {
    expect(problem).toMatch(/^\S[^\n]*?: \S/);
    expect(problem).not.toMatch(/\n\s+at |\.[jt]s:\d+/);
  }
  expect(error.message).not.toMatch(/\n\s+at /);
}

const YAML_TOKENS = [
  ...['&a ', '*a', '&b ', '*b', '<<: ', '<<: *a', '- ', ': ', '? ', '{', '}', '[', ']', ', ', '|', '>-', '"', "'", '#', '---', '...'],
  ...['!!binary ', '!!set ', '!!omap ', '!!timestamp ', '!!int ', '!!float ', '!!str ', '!custom ', '%YAML 1.2\n', '%TAG ! tag:x,2000:\n'],
  ...['services', 'checks', 'environments', 'roles', 'incidents', 'digests', 'deployments', 'id', 'type', 'url', 'http', 'manual'],
  ...['${env:TOKEN}', '${file:/etc/passwd}', '${env:}', '{{baseUrl}}', 'null', '~', 'true', '0x1F', '1e999', '.nan', '-.inf'],
  ...HOSTILE_TOKENS,
];
const LAYOUT = ['\n', '\n  ', '\n    ', '\n- ', ' ', '\t', '\r\n'];

/** Text with YAML's syntax in it (anchors, aliases, merge keys, tags, flow and block collections) in any order. */
const yamlSoup = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom(...YAML_TOKENS), fc.string({ unit: 'binary', maxLength: 8 })), fc.constantFrom(...LAYOUT, '')), {
    maxLength: 40,
  })
  .map((parts) => parts.map(([token, layout]) => token + layout).join(''));

/** Anchors and aliases in well-formed YAML, some of them pointing back into the node that holds them. */
const aliasGames = fc
  .array(fc.constantFrom('a: &x [1, 2]', 'b: *x', 'c: &y {d: *y}', 'e: &z [*z]', 'f: *missing', 'g: {<<: *x}', 'h: &w [*x, *x, *x]', 'i: [*w, *w]'), {
    minLength: 1,
    maxLength: 6,
  })
  .map((lines) => lines.join('\n'));

/** Any value at all, written out as YAML: the loader must not care what a document holds. */
const anyValueAsYaml = fc.oneof(fc.jsonValue(), fc.anything({ withNullPrototype: true, withSparseArray: true })).map((value) => {
  try {
    // stringify gives undefined (despite its type) for undefined, a function or a symbol.
    return (stringify(value) as string | undefined) ?? '';
  } catch {
    return String(value);
  }
});

type Path = readonly (string | number)[];

/** Every key path in the example config, so a mutation can land anywhere in it. */
function pathsOf(value: unknown, at: Path = []): Path[] {
  if (Array.isArray(value)) return [at, ...value.flatMap((item, index) => pathsOf(item, [...at, index]))];
  if (value !== null && typeof value === 'object') return [at, ...Object.entries(value).flatMap(([key, item]) => pathsOf(item, [...at, key]))];
  return [at];
}
const examplePaths = pathsOf(exampleDocument).filter((path) => path.length > 0);

type Mutation =
  | { path: Path; kind: 'delete' }
  | { path: Path; kind: 'replace'; value: unknown }
  | { path: Path; kind: 'add-key'; key: string; value: unknown };

const wrongValue = fc.oneof(
  fc.constantFrom(null, true, 0, -1, 1.5, '', 'x', [], {}, '${env:}', '<!channel>', 'a'.repeat(5_000)),
  fc.jsonValue({ maxDepth: 2 }),
);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ path: fc.constantFrom(...examplePaths), kind: fc.constant('delete' as const) }),
  fc.record({ path: fc.constantFrom(...examplePaths), kind: fc.constant('replace' as const), value: wrongValue }),
  fc.record({
    path: fc.constantFrom(...examplePaths),
    kind: fc.constant('add-key' as const),
    key: fc.oneof(fc.constantFrom('servces', 'check', 'timeout', 'severity', '__proto__', 'constructor'), fc.string({ maxLength: 10 })),
    value: wrongValue,
  }),
);

const isContainer = (value: unknown): value is Record<string | number, unknown> => value !== null && typeof value === 'object';

/** Applies one change; a path an earlier change already removed is skipped, as if that change had been drawn alone. */
function applyMutation(document: unknown, change: Mutation): void {
  let parent: unknown = document;
  for (const key of change.path.slice(0, -1)) parent = isContainer(parent) ? parent[key] : undefined;
  const key = change.path.at(-1);
  if (!isContainer(parent) || key === undefined) return;
  if (change.kind === 'delete') {
    if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 1);
    else delete parent[key];
  } else if (change.kind === 'replace') parent[key] = change.value;
  else {
    const target = parent[key];
    // defineProperty, so a `__proto__` key is an own key as YAML would make it, not a prototype change.
    if (isContainer(target)) Object.defineProperty(target, change.key, { value: change.value, enumerable: true, writable: true, configurable: true });
    else parent[key] = Object.defineProperty({}, change.key, { value: change.value, enumerable: true, writable: true, configurable: true });
  }
}

/** The shipped example with one to three keys deleted, retyped or joined by a key the schema does not know. */
const mutatedExample = fc.array(mutation, { minLength: 1, maxLength: 3 }).map((changes) => {
  const document = structuredClone(exampleDocument);
  for (const change of changes) applyMutation(document, change);
  return document;
});

describe('fuzzed readiness.yaml documents', () => {
  it('any text is a config or a ReadinessConfigError naming where, never another exception', () => {
    fc.assert(
      fc.property(fc.oneof(yamlSoup, aliasGames, fc.string({ unit: 'binary', maxLength: 300 })), (text) => {
        expectConfigOrClearError(() => parseReadinessYaml(text, 'fuzz.yaml'));
      }),
      fuzzParameters(300),
    );
  });

  it('any value written as YAML, or handed over already parsed, is a config or a clear error', () => {
    fc.assert(
      fc.property(
        anyValueAsYaml,
        fc.anything({ withNullPrototype: true, withSparseArray: true, withMap: true, withSet: true, withDate: true }),
        (text, value) => {
          expectConfigOrClearError(() => parseReadinessYaml(text, 'fuzz.yaml'));
          expectConfigOrClearError(() => parseReadinessConfig(value, 'fuzz value'));
        },
      ),
      fuzzParameters(200),
    );
  });

  it('the example config with keys deleted, retyped or added is a config or an error that names the key path', () => {
    fc.assert(
      fc.property(mutatedExample, (document) => {
        expectConfigOrClearError(() => parseReadinessConfig(document, 'mutated example'));
        expectConfigOrClearError(() => parseReadinessYaml(stringify(document), 'mutated example'));
      }),
      fuzzParameters(40),
    );
  });

  it('a key that is empty or holds a dot, space or newline is quoted in the key path, so the line still says where', () => {
    expect(formatKeyPath(['services', '', 'vars', 'a.b', 'x\ny', 0])).toBe('services[""].vars["a.b"]["x\\ny"][0]');
    expect(() => parseReadinessYaml('"": 1\nservices: {}', 'fuzz.yaml')).toThrow(/\n {2}- \[""\]: unknown key/);
  });

  it('an alias inside its own anchor, an alias with no anchor and an alias bomb are refused with a line to look at', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      ...'bcdef'.split('').map((name, index) => `${name}: &${name} [${`*${'abcdef'[index]}, `.repeat(9)}]`),
    ];
    for (const text of ['services: &s {x: *s}', 'services: *nowhere', bomb.join('\n')]) {
      expect(() => parseReadinessYaml(text, 'fuzz.yaml')).toThrow(ReadinessConfigError);
    }
  });
});
