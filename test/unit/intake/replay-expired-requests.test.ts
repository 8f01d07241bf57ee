import { describe, expect, it } from 'vitest';
import type { ClaimedRequest } from '../../../src/intake/request-inbox.ports.ts';
import { replayExpiredRequests, type ReplayableRequest } from '../../../src/intake/replay-expired-requests.ts';
import { silentLogger } from '../../../src/shared/logger.ts';

const claimed = (key: string, overrides: Partial<ClaimedRequest> = {}): ClaimedRequest => ({
  key,
  kind: 'command',
  body: { command: '/readiness', text: `deploy ${key}` },
  responseUrl: null,
  attempts: 2,
  ...overrides,
});

/** Hands out `batches` one claim at a time, then nothing; records finishes and replays. */
function fakeDeps(batches: ClaimedRequest[][], failing: readonly string[] = []) {
  const finished: string[] = [];
  const replayed: string[] = [];
  const claims: { scope: string; leaseMs: number; limit: number }[] = [];
  const renewed: string[][] = [];
  const deps = {
    requests: {
      claimExpired: async (scope: string, leaseMs: number, limit: number) => {
        claims.push({ scope, leaseMs, limit });
        return batches.shift() ?? [];
      },
      finish: async (key: string, status: 'DONE' | 'FAILED' | 'ABANDONED') => {
        finished.push(`${key} ${status}`);
        return true;
      },
      renew: async (keys: readonly string[]) => void renewed.push([...keys]),
    },
    replay: async (request: ReplayableRequest) => {
      replayed.push(request.key);
      if (failing.includes(request.key)) throw new Error('handler failed');
    },
    scope: 'readiness-test',
    logger: silentLogger,
    leaseMs: 20_000,
    maxAttempts: 5,
  };
  return { deps, finished, replayed, claims, renewed };
}

describe('replayExpiredRequests', () => {
  it('keeps the claim of the requests of a batch still waiting their turn', async () => {
    const { deps, renewed } = fakeDeps([[claimed('a'), claimed('b'), claimed('c')]]);
    await replayExpiredRequests(deps);
    expect(renewed).toEqual([['b', 'c'], ['c']]);
  });

  it('replays claimed requests in order, batch after batch, until none are left', async () => {
    const { deps, finished, replayed, claims } = fakeDeps([[claimed('a'), claimed('b')], [claimed('c')]]);
    expect(await replayExpiredRequests(deps)).toEqual({ replayed: 3, abandoned: 0 });
    expect(replayed).toEqual(['a', 'b', 'c']);
    expect(finished).toEqual(['a DONE', 'b DONE', 'c DONE']);
    expect(claims).toEqual(Array(3).fill({ scope: 'readiness-test', leaseMs: 20_000, limit: 20 }));
  });

  it('records a replay whose handler throws as FAILED and goes on with the next', async () => {
    const { deps, finished } = fakeDeps([[claimed('a'), claimed('b')]], ['a']);
    expect(await replayExpiredRequests(deps)).toEqual({ replayed: 2, abandoned: 0 });
    expect(finished).toEqual(['a FAILED', 'b DONE']);
  });

  it('abandons, without running them, requests past the attempt limit or without their payload', async () => {
    const { deps, finished, replayed } = fakeDeps([
      [claimed('tired', { attempts: 6 }), claimed('empty', { body: null }), claimed('ok', { attempts: 5 })],
    ]);
    expect(await replayExpiredRequests(deps)).toEqual({ replayed: 1, abandoned: 2 });
    expect(replayed).toEqual(['ok']);
    expect(finished).toEqual(['tired ABANDONED', 'empty ABANDONED', 'ok DONE']);
  });
});
