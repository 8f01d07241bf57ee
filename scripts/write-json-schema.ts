// `npm run schema`: writes schema/readiness.schema.json from the zod schema of readiness.yaml.
// test/unit/readiness-json-schema.test.ts fails when the committed file is not what this writes.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { READINESS_SCHEMA_PATH, readinessJsonSchemaText } from '../src/config/readiness-json-schema.ts';

const target = resolve(dirname(fileURLToPath(import.meta.url)), '..', READINESS_SCHEMA_PATH);
await mkdir(dirname(target), { recursive: true });
await writeFile(target, readinessJsonSchemaText());
process.stdout.write(`wrote ${READINESS_SCHEMA_PATH}\n`);
