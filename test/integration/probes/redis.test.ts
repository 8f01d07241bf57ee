import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RedisCheckSpec } from '../../../src/checks/specs/redis.ts';
import { runCheck } from '../../../src/probes/run-check.ts';
import { closedPortUrl } from '../../support/test-stack.ts';
import { startSilentServer } from '../../support/silent-server.ts';

const redisUrl = inject('redisUrl');

let silent: Awaited<ReturnType<typeof startSilentServer>>;
beforeAll(async () => {
  silent = await startSilentServer();
});
afterAll(async () => {
  await silent.close();
});

const spec = (fields: Record<string, unknown>) => RedisCheckSpec.parse({ id: 'cache', name: 'Cache', type: 'redis', url: redisUrl, ...fields });
const GiB = 1024 ** 3;

describe('the redis check', () => {
  it('passes when Redis answers PING, with the latency and its memory as evidence', async () => {
    const outcome = await runCheck(spec({}));
    expect(outcome.status).toBe('PASS');
    expect(outcome.message).toMatch(/answered PING in \d+ ms$/);
    expect(outcome.evidence).toMatchObject({ latencyMs: expect.any(Number), usedMemoryBytes: expect.any(Number) });
  });

  it('passes under the memory ceilings, naming the used memory in MiB', async () => {
    const outcome = await runCheck(spec({ warnMemoryBytes: GiB, maxMemoryBytes: 2 * GiB }));
    expect(outcome.status).toBe('PASS');
    expect(outcome.message).toMatch(/uses [\d.]+ MiB of memory, under 1024\.0 MiB$/);
  });

  it('fails above maxMemoryBytes, with both numbers', async () => {
    const outcome = await runCheck(spec({ maxMemoryBytes: 1 }));
    expect(outcome.status).toBe('FAIL');
    expect(outcome.message).toMatch(/uses [\d.]+ MiB of memory, above the 1 bytes ceiling \(maxMemoryBytes\)$/);
    expect(outcome.evidence).toMatchObject({ usedMemoryBytes: expect.any(Number), maxMemoryBytes: 1 });
  });

  it('warns above warnMemoryBytes while under maxMemoryBytes', async () => {
    const outcome = await runCheck(spec({ warnMemoryBytes: 1, maxMemoryBytes: 2 * GiB }));
    expect(outcome.status).toBe('WARN');
    expect(outcome.message).toMatch(/above the 1 bytes warning level \(warnMemoryBytes\)$/);
    expect(outcome.evidence).toMatchObject({ warnMemoryBytes: 1, maxMemoryBytes: 2 * GiB });
  });

  it('fails when the connection is refused, never showing the password', async () => {
    const closed = new URL(await closedPortUrl());
    const outcome = await runCheck(spec({ url: `redis://:topsecret-pw@127.0.0.1:${closed.port}` }));
    expect(outcome.status).toBe('FAIL');
    expect(outcome.message).toMatch(/^cannot connect to Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+.*ECONNREFUSED/);
    expect(JSON.stringify(outcome)).not.toContain('topsecret-pw');
  });

  it("fails on a rejected login, with the server's reason and without the password", async () => {
    const url = new URL(redisUrl);
    url.username = 'no-such-user';
    url.password = 'topsecret-pw';
    const outcome = await runCheck(spec({ url: url.toString() }));
    expect(outcome.status).toBe('FAIL');
    expect(outcome.message).toMatch(/WRONGPASS/);
    expect(JSON.stringify(outcome)).not.toContain('topsecret-pw');
  });

  it('reports a host that accepts but never answers as ERROR after the check timeout', async () => {
    const { port } = silent;
    const outcome = await runCheck(spec({ url: `redis://127.0.0.1:${port}`, timeoutMs: 300 }));
    expect(outcome).toMatchObject({ status: 'ERROR', message: 'no answer within the 300 ms timeout' });
    expect(outcome.durationMs).toBeLessThan(2000);
  });

  it('reports a URL that is not a redis URL as ERROR', async () => {
    const outcome = await runCheck(spec({ url: 'http://127.0.0.1:6379' }));
    expect(outcome.status).toBe('ERROR');
    expect(outcome.message).toMatch(/is not a redis:\/\/ or rediss:\/\/ URL/);
  });

  it('leaves no connection behind', async () => {
    const before = await clientCount();
    for (let i = 0; i < 5; i++) await runCheck(spec({ maxMemoryBytes: 1 }));
    // Disconnects are asynchronous on the server side; give it a moment.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await clientCount()).toBeLessThanOrEqual(before);
  });
});

/** Connections named by the check, counted by Redis itself. */
async function clientCount(): Promise<number> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    const list = (await redis.client('LIST')) as string;
    return list.split('\n').filter((line) => line.includes('name=readiness-check')).length;
  } finally {
    redis.disconnect();
  }
}
