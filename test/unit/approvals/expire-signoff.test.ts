import { describe, expect, it } from 'vitest';
import { expireSignoff } from '../../../src/approvals/expire-signoff.ts';
import type { SignoffRequestView } from '../../../src/approvals/signoff.types.ts';

const NOW = new Date('2025-06-01T12:00:00.000Z');
const REQUEST = { id: 'r-1', assessmentId: 'a-1', status: 'EXPIRED' } as SignoffRequestView;

function fakeDeps(expired: SignoffRequestView | undefined) {
  const calls: string[] = [];
  const deps = {
    signoffs: {
      expire: async (id: string, at: Date) => {
        calls.push(`expire ${id} ${at.toISOString()}`);
        return expired;
      },
    },
    notifyExpired: async (request: SignoffRequestView) => void calls.push(`notify ${request.id}`),
    now: () => NOW,
  };
  return { deps, calls };
}

describe('expireSignoff', () => {
  it('expires a pending request at the current time, then tells the requester', async () => {
    const { deps, calls } = fakeDeps(REQUEST);
    expect(await expireSignoff(deps, 'r-1')).toBe('expired');
    expect(calls).toEqual([`expire r-1 ${NOW.toISOString()}`, 'notify r-1']);
  });

  it('tells no one when the request was no longer pending (decided, or expired by an earlier run)', async () => {
    const { deps, calls } = fakeDeps(undefined);
    expect(await expireSignoff(deps, 'r-1')).toBe('not_pending');
    expect(calls).toEqual([`expire r-1 ${NOW.toISOString()}`]);
  });
});
