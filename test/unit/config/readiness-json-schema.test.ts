import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseReadinessYaml } from '../../../src/config/readiness-config.ts';
import { READINESS_SCHEMA_PATH, readinessJsonSchema, readinessJsonSchemaText } from '../../../src/config/readiness-json-schema.ts';
import { projectRoot } from '../../../src/shared/paths.ts';

const examplePath = join(projectRoot, 'examples', 'readiness.yaml');

/** A real JSON Schema validator, as editors (yaml-language-server) and other tools will use the file. */
function validator() {
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats.default(ajv);
  return ajv.compile(readinessJsonSchema());
}

describe('schema/readiness.schema.json', () => {
  it('is what `npm run schema` writes from the zod schema (run npm run schema after changing a config schema)', async () => {
    const committed = await readFile(join(projectRoot, READINESS_SCHEMA_PATH), 'utf8');
    expect(committed, 'schema/readiness.schema.json is stale: run npm run schema and commit the result').toBe(readinessJsonSchemaText());
  });

  it('accepts the example readiness.yaml, which the code accepts too', async () => {
    const text = await readFile(examplePath, 'utf8');
    expect(() => parseReadinessYaml(text, examplePath)).not.toThrow();
    const validate = validator();
    expect(validate(parse(text)), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it('rejects a misspelt key, as the code does, at every level', async () => {
    const document = parse(await readFile(examplePath, 'utf8')) as { services: Record<string, { checks: Record<string, unknown>[] }> };
    const validate = validator();
    expect(validate({ ...document, servcies: {} })).toBe(false);
    expect(validate.errors).toContainEqual(expect.objectContaining({ keyword: 'additionalProperties', params: { additionalProperty: 'servcies' } }));

    const check = document.services['example-api']?.checks[0];
    if (!check) throw new Error('the example has no check');
    check.timeoutMS = 2000;
    expect(validate(document)).toBe(false);
    expect(() => parseReadinessYaml(JSON.stringify(document), 'misspelt')).toThrow(/timeoutMS: unknown key; did you mean `timeoutMs`/);
  });

  it('describes the input side: keys with defaults are optional, check types are a closed choice', () => {
    const validate = validator();
    const minimal = { services: { api: { environments: { prod: {} }, checks: [{ id: 'tcp', name: 'Port', type: 'tcp', host: 'db', port: 5432 }] } } };
    expect(validate(minimal), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ services: { api: { environments: { prod: {} }, checks: [{ id: 'x', name: 'X', type: 'ftp' }] } } })).toBe(false);
    expect(validate({ services: { api: { environments: { prod: { thresholds: { go: 120 } } }, checks: minimal.services.api.checks } } })).toBe(false);
  });

  it('is referenced by every example, so editors complete and validate keys', async () => {
    const header = (await readFile(examplePath, 'utf8')).split('\n')[0];
    expect(header).toBe(`# yaml-language-server: $schema=../${READINESS_SCHEMA_PATH}`);
  });
});
