import { describe, expect, it } from 'vitest';
import { CheckSpec } from '../../../src/checks/registry.ts';

const base = { id: 'c', name: 'C' };

/** The issues a spec is refused with, as `path: message`; fails the test if the spec parses. */
function problems(input: Record<string, unknown>): string[] {
  const result = CheckSpec.safeParse({ ...base, ...input });
  expect(result.success, `expected ${JSON.stringify(input)} to be refused`).toBe(false);
  return result.error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) ?? [];
}

describe('prometheus specs', () => {
  const valid = { type: 'prometheus', url: 'http://prometheus:9090', query: 'sum(rate(errors[5m]))', comparator: '<', fail: 0.05 };

  it('applies the shared defaults and leaves warn unset', () => {
    const spec = CheckSpec.parse({ ...base, ...valid });
    expect(spec).toEqual({ ...base, ...valid, category: 'infrastructure', severity: 'high', timeoutMs: 5000 });
    expect(CheckSpec.parse({ ...base, ...valid, warn: 0.01 })).toMatchObject({ warn: 0.01, fail: 0.05 });
  });

  it('refuses a threshold that is not a number', () => {
    expect(problems({ ...valid, fail: 'high' })).toEqual([expect.stringMatching(/^fail: /)]);
    expect(problems({ ...valid, warn: '0.01' })).toEqual([expect.stringMatching(/^warn: /)]);
  });

  it('requires the query, the comparator and fail', () => {
    expect(
      problems({ type: 'prometheus', url: 'http://p:9090' })
        .map((p) => p.split(':')[0])
        .sort(),
    ).toEqual(['comparator', 'fail', 'query']);
  });

  it('refuses an unknown comparator', () => {
    expect(problems({ ...valid, comparator: '=<' })).toEqual([expect.stringMatching(/^comparator: /)]);
  });

  it('refuses a warn bound that could never warn', () => {
    expect(problems({ ...valid, warn: 0.1 })).toEqual([expect.stringMatching(/^warn: warn \(0\.1\) must be on the passing side of fail \(0\.05\)/)]);
    expect(problems({ ...valid, comparator: '>=', fail: 0.99, warn: 0.9 })).toEqual([expect.stringMatching(/^warn: /)]);
    expect(problems({ ...valid, comparator: '==', fail: 1, warn: 2 })).toEqual([expect.stringMatching(/^warn: .*"=="/)]);
    expect(CheckSpec.safeParse({ ...base, ...valid, comparator: '>=', fail: 0.99, warn: 0.999 }).success).toBe(true);
  });
});

describe('postgres specs', () => {
  it('defaults checkMigrations to false', () => {
    expect(CheckSpec.parse({ ...base, type: 'postgres', url: 'postgresql://db/app' })).toEqual({
      ...base,
      type: 'postgres',
      url: 'postgresql://db/app',
      checkMigrations: false,
      category: 'infrastructure',
      severity: 'high',
      timeoutMs: 5000,
    });
  });

  it('refuses wrong types', () => {
    expect(problems({ type: 'postgres', url: 'postgresql://db/app', checkMigrations: 'yes' })).toEqual([expect.stringMatching(/^checkMigrations: /)]);
    expect(problems({ type: 'postgres', url: 42 })).toEqual([expect.stringMatching(/^url: /)]);
  });

  it('takes migrationsDir only together with checkMigrations', () => {
    expect(problems({ type: 'postgres', url: 'postgresql://db/app', migrationsDir: 'prisma/migrations' })).toEqual([
      'migrationsDir: migrationsDir is only read with checkMigrations: true',
    ]);
    expect(
      CheckSpec.parse({ ...base, type: 'postgres', url: 'postgresql://db/app', checkMigrations: true, migrationsDir: 'prisma/migrations' }),
    ).toMatchObject({
      migrationsDir: 'prisma/migrations',
    });
  });
});

describe('redis specs', () => {
  it('leaves the memory ceilings unset by default', () => {
    const spec = CheckSpec.parse({ ...base, type: 'redis', url: 'redis://cache:6379' });
    expect(spec).toEqual({ ...base, type: 'redis', url: 'redis://cache:6379', category: 'infrastructure', severity: 'high', timeoutMs: 5000 });
  });

  it('refuses ceilings that are not positive whole numbers of bytes', () => {
    expect(problems({ type: 'redis', url: 'redis://cache:6379', maxMemoryBytes: '1GB' })).toEqual([expect.stringMatching(/^maxMemoryBytes: /)]);
    expect(problems({ type: 'redis', url: 'redis://cache:6379', maxMemoryBytes: 0 })).toEqual([expect.stringMatching(/^maxMemoryBytes: /)]);
    expect(problems({ type: 'redis', url: 'redis://cache:6379', warnMemoryBytes: 1.5 })).toEqual([expect.stringMatching(/^warnMemoryBytes: /)]);
  });

  it('refuses a warning level at or above the ceiling', () => {
    expect(problems({ type: 'redis', url: 'redis://cache:6379', maxMemoryBytes: 100, warnMemoryBytes: 100 })).toEqual([
      'warnMemoryBytes: warnMemoryBytes (100) must be below maxMemoryBytes (100), or it can never warn',
    ]);
  });
});

describe('webhook specs', () => {
  it('leaves headers unset by default and keeps the ones given', () => {
    expect(CheckSpec.parse({ ...base, type: 'webhook', url: 'https://checks.example.com/backups' })).toEqual({
      ...base,
      type: 'webhook',
      url: 'https://checks.example.com/backups',
      category: 'infrastructure',
      severity: 'high',
      timeoutMs: 5000,
    });
    expect(CheckSpec.parse({ ...base, type: 'webhook', url: 'https://x', headers: { Authorization: 'Bearer t' } })).toMatchObject({
      headers: { Authorization: 'Bearer t' },
    });
  });

  it('refuses headers that are not a map of strings, or that HTTP cannot carry', () => {
    expect(problems({ type: 'webhook', url: 'https://x', headers: ['Authorization: Bearer t'] })).toEqual([expect.stringMatching(/^headers: /)]);
    expect(problems({ type: 'webhook', url: 'https://x', headers: { 'X-Retries': 3 } })).toEqual([expect.stringMatching(/^headers\.X-Retries: /)]);
    expect(problems({ type: 'webhook', url: 'https://x', headers: { 'Bad Header': 'v' } })).toEqual([
      expect.stringMatching(/^headers\.Bad Header: not a valid HTTP header name/),
    ]);
    expect(problems({ type: 'webhook', url: 'https://x', headers: { 'X-A': 'v\r\nX-Injected: 1' } })).toEqual([
      expect.stringMatching(/^headers\.X-A: header values cannot contain line breaks/),
    ]);
  });
});
