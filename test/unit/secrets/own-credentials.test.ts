import { describe, expect, it } from 'vitest';
import { WorkerEnv } from '../../../src/config/env.ts';
import { OWN_CREDENTIALS } from '../../../src/secrets/references.ts';

describe('OWN_CREDENTIALS', () => {
  it('names every credential-bearing variable of the env schema, so one added later cannot be referenced by a check', () => {
    const names = Object.keys(WorkerEnv.shape);
    const credentials = names.filter((name) => /TOKEN|SECRET|PASSWORD|^DATABASE_URL$|^REDIS_URL$/.test(name));
    expect(credentials.length).toBeGreaterThan(5);
    expect(credentials.filter((name) => !OWN_CREDENTIALS.has(name))).toEqual([]);
  });
});
