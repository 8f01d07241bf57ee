import { describe, expect, it } from 'vitest';
import { createSignoffEffects } from '../../../src/approvals/signoff-effects.ts';
import type { AttemptClaim, SignoffThread } from '../../../src/approvals/signoff.ports.ts';
import { signoffRequest } from '../../support/fixtures/signoff-request.ts';

/** Every port call in the order it happened, so a test can say what was posted, recorded and re-rendered. */
function recordingEffects(
  chat: { postedTs: string | undefined; fails?: boolean } = { postedTs: '1.9' },
  claim: AttemptClaim = { claimed: true, earlierAttempts: 0 },
) {
  const calls: string[] = [];
  const thread: SignoffThread = {
    postRequest: async (request, { lookFirst }) => {
      calls.push(`${lookFirst ? 'look, then post' : 'post'} ${request.id}`);
      if (chat.fails) throw new Error('slack is away');
      return chat.postedTs;
    },
    announceDecision: async (_request, outcome) => void calls.push(`decision ${outcome.kind}`),
    announceOverride: async () => void calls.push('override'),
    announceExpiry: async () => void calls.push('expiry'),
    postNotice: async (_request, notice) => {
      calls.push(`notice ${notice.key}`);
      return '1.10';
    },
  };
  const effects = createSignoffEffects({
    signoffs: {
      attachMessage: async (id, ts) => {
        calls.push(`attach ${id} ${ts}`);
        return true;
      },
      claimMessage: async () => claim,
      releaseMessageClaim: async (id, attempt) => {
        calls.push(`release ${id}`);
        return attempt > 0;
      },
    },
    thread,
    scheduler: {
      requestRender: async (id) => void calls.push(`render assessment ${id}`),
      requestSignoffRender: async (id) => void calls.push(`render signoff ${id}`),
      scheduleSignoffExpiry: async (id, at) => void calls.push(`expire ${id} at ${at.toISOString()}`),
    },
  });
  return { effects, calls };
}

describe('sign-off effects', () => {
  it('posts the sign-off message once, records it, and re-renders both messages', async () => {
    const { effects, calls } = recordingEffects();
    const request = signoffRequest({ messageTs: null });
    await effects.publish(request);
    expect(calls).toEqual([
      `post ${request.id}`,
      `attach ${request.id} 1.9`,
      `render signoff ${request.id}`,
      `render assessment ${request.assessmentId}`,
    ]);
  });

  it('does not post again once the request has its message, and records nothing when the chat gave no id', async () => {
    const posted = recordingEffects();
    await posted.effects.publish(signoffRequest());
    expect(posted.calls.filter((call) => call.startsWith('post') || call.startsWith('attach'))).toEqual([]);
    const noTs = recordingEffects({ postedTs: undefined });
    await noTs.effects.publish(signoffRequest({ messageTs: null }));
    expect(noTs.calls.filter((call) => call.startsWith('attach'))).toEqual([]);
  });

  it('announces a decision and an expiry in the thread, then re-renders; an override is announced only', async () => {
    const { effects, calls } = recordingEffects();
    const request = signoffRequest();
    await effects.announce(request, { kind: 'approved', decision: 'GO', conditions: [] });
    await effects.notifyExpired(request);
    await effects.announceOverride(request);
    expect(calls).toEqual([
      'decision approved',
      `render signoff ${request.id}`,
      `render assessment ${request.assessmentId}`,
      'expiry',
      `render signoff ${request.id}`,
      `render assessment ${request.assessmentId}`,
      'override',
    ]);
  });

  it('schedules the expiry at the request expiry time', async () => {
    const { effects, calls } = recordingEffects();
    const request = signoffRequest();
    await effects.scheduleExpiry(request);
    expect(calls).toEqual([`expire ${request.id} at ${request.expiresAt.toISOString()}`]);
  });

  it('leaves the message to the process that holds the claim, and only re-renders', async () => {
    const { effects, calls } = recordingEffects(undefined, { claimed: false });
    const request = signoffRequest({ messageTs: null });
    await effects.publish(request);
    expect(calls).toEqual([`render signoff ${request.id}`, `render assessment ${request.assessmentId}`]);
  });

  it('looks for an earlier post first when an earlier claim may have reached Slack', async () => {
    const { effects, calls } = recordingEffects(undefined, { claimed: true, earlierAttempts: 1 });
    const request = signoffRequest({ messageTs: null });
    await effects.publish(request);
    expect(calls.slice(0, 2)).toEqual([`look, then post ${request.id}`, `attach ${request.id} 1.9`]);
  });

  it('gives the claim back when the post fails, so the next one need not wait out the lease', async () => {
    const { effects, calls } = recordingEffects({ postedTs: undefined, fails: true });
    const request = signoffRequest({ messageTs: null });
    await expect(effects.publish(request)).rejects.toThrow('slack is away');
    expect(calls).toEqual([`post ${request.id}`, `release ${request.id}`]);
  });
});
