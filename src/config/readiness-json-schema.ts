import { z } from 'zod';
import { ReadinessConfig } from './readiness-config.schema.ts';

/** Where the committed schema lives, relative to the repository root; examples point their editors at it. */
export const READINESS_SCHEMA_PATH = 'schema/readiness.schema.json';

/**
 * readiness.yaml as JSON Schema, derived from the zod schema so the two cannot drift: editors complete and
 * validate keys with it. The input side is described (defaults make keys optional), strict objects come out
 * with `additionalProperties: false`, and what JSON Schema cannot say (refinements such as "caution must not be
 * above go", cross-references between services, roles and digests) is left to `readiness config validate`.
 */
export function readinessJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ReadinessConfig, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' });
  return {
    $schema: schema.$schema,
    title: 'readiness.yaml',
    description:
      'What "ready for production" means for each service: checks, environments, roles, sign-off, deployments, incidents, digests. Generated from the zod schema by `npm run schema`; do not edit by hand.',
    ...Object.fromEntries(Object.entries(schema).filter(([key]) => key !== '$schema')),
  };
}

/** The file's exact text: two-space JSON and a final newline, so regenerating an unchanged schema changes nothing. */
export function readinessJsonSchemaText(): string {
  return `${JSON.stringify(readinessJsonSchema(), null, 2)}\n`;
}
