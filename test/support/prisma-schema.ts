import { readFileSync } from 'node:fs';

export interface SchemaField {
  name: string;
  column: string;
  type: string;
  optional: boolean;
  nativeType: string | undefined;
}

export interface SchemaModel {
  name: string;
  table: string;
  fields: SchemaField[];
}

/**
 * Reads the models of a schema.prisma: enough of the grammar to know every table and column the schema
 * promises (scalar and enum fields; relation fields have no column of their own).
 */
export function readPrismaSchema(path: string): { models: SchemaModel[]; enums: Set<string> } {
  const text = readFileSync(path, 'utf8').replace(/\/\/.*$/gm, '');
  const enums = new Set([...text.matchAll(/^enum\s+(\w+)\s*\{/gm)].map((match) => match[1] as string));
  const modelNames = new Set([...text.matchAll(/^model\s+(\w+)\s*\{/gm)].map((match) => match[1] as string));
  const models: SchemaModel[] = [];
  for (const match of text.matchAll(/^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm)) {
    const [, name = '', body = ''] = match;
    const table = /@@map\("([^"]+)"\)/.exec(body)?.[1] ?? name;
    const fields: SchemaField[] = [];
    for (const line of body.split('\n').map((l) => l.trim())) {
      const field = /^(\w+)\s+(\w+)(\[\])?(\?)?(.*)$/.exec(line);
      if (!field || line.startsWith('@@')) continue;
      const [, fieldName = '', type = '', list, optional, attributes = ''] = field;
      if (modelNames.has(type) || list) continue;
      fields.push({
        name: fieldName,
        column: /@map\("([^"]+)"\)/.exec(attributes)?.[1] ?? fieldName,
        type,
        optional: optional === '?',
        nativeType: /@db\.(\w+)/.exec(attributes)?.[1],
      });
    }
    models.push({ name, table, fields });
  }
  return { models, enums };
}

/** The Postgres type Prisma's migrations create for a field. */
export function expectedPostgresType(field: SchemaField, enums: Set<string>): string {
  if (enums.has(field.type)) return field.type;
  if (field.nativeType === 'Uuid') return 'uuid';
  const byType: Record<string, string> = {
    String: 'text',
    Int: 'integer',
    BigInt: 'bigint',
    Float: 'double precision',
    Boolean: 'boolean',
    DateTime: 'timestamp without time zone',
    Json: 'jsonb',
    Decimal: 'numeric',
    Bytes: 'bytea',
  };
  return byType[field.type] ?? `unknown(${field.type})`;
}
