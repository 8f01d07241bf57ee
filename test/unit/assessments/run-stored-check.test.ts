import { describe, expect, it } from 'vitest';
import { runnableSpec } from '../../../src/assessments/run-stored-check.ts';
import { CheckSpec } from '../../../src/config/readiness-config.schema.ts';
import { redactDeep } from '../../../src/secrets/redact.ts';

const check = (fields: Record<string, unknown>) =>
  CheckSpec.parse({ id: 'c', name: 'C', type: 'http', url: 'https://api.internal/health', ...fields });
const stored = (spec: CheckSpec) => CheckSpec.parse(JSON.parse(JSON.stringify(redactDeep(spec))));

describe('runnableSpec: what a worker runs for a stored check', () => {
  it('runs the stored spec when nothing was redacted (references are stored as written)', () => {
    const spec = check({ headers: { Authorization: 'Bearer ${env:TOKEN}' } });
    expect(runnableSpec(stored(spec), undefined)).toEqual(spec);
  });

  it('runs the configured spec when the stored one had literal secrets and the config still matches it', () => {
    const configured = check({ url: 'https://u:literal-pw@api.internal/health?token=abc', headers: { 'X-Api-Key': 'literal-key' } });
    expect(runnableSpec(stored(configured), configured)).toEqual(configured);
  });

  it('refuses when the config changed since: the redacted secrets cannot be restored', () => {
    const before = check({ headers: { 'X-Api-Key': 'literal-key' } });
    const after = check({ headers: { 'X-Api-Key': 'literal-key' }, timeoutMs: 1000 });
    expect(runnableSpec(stored(before), after)).toBeUndefined();
    expect(runnableSpec(stored(before), undefined)).toBeUndefined();
  });
});
