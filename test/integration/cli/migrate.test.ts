import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { migrateDatabase } from '../../../src/main/migrate-database.ts';
import { dropDatabase } from '../../support/private-database.ts';

function captured(env: NodeJS.ProcessEnv) {
  const io = { out: '', err: '' };
  return { io, run: () => migrateDatabase({ out: (text) => (io.out += text), err: (text) => (io.err += text), env }) };
}

const databaseUrl = new URL(inject('databaseUrl'));
databaseUrl.pathname = `${databaseUrl.pathname}_climigrate${randomBytes(3).toString('hex')}`;

afterAll(() => dropDatabase(databaseUrl.toString()));

describe('readiness migrate', () => {
  it('creates the database, applies every migration once, and says so; a second run has nothing to do', async () => {
    const first = captured({ DATABASE_URL: databaseUrl.toString() });
    expect(await first.run()).toBe(0);
    expect(first.io.out).toMatch(/^created database .+\n(applied \d+_\w+\n)+\d+ migration\(s\) applied\n$/);
    const second = captured({ DATABASE_URL: databaseUrl.toString() });
    expect(await second.run()).toBe(0);
    expect(second.io.out).toMatch(/^database is up to date \(\d+ migration\(s\) applied earlier\)\n$/);
  });

  it('exits 1 naming the database, never its password, when Postgres cannot be reached', async () => {
    const failing = captured({ DATABASE_URL: 'postgresql://deployer:s3cret-pass@127.0.0.1:1/readiness' });
    expect(await failing.run()).toBe(1);
    expect(failing.io.err).toMatch(/^db:migrate failed for postgresql:\/\/deployer:.*@127\.0\.0\.1:1\/readiness: /);
    expect(failing.io.err).not.toContain('s3cret-pass');
    expect(failing.io.out).toBe('');
  });
});
