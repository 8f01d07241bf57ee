import type { AllSignoffEffects } from './signoff-effects.ts';
import type { SignoffNotices, SignoffRepository } from './signoff.ports.ts';

/**
 * How long after it fell due a sign-off notice, or a request's message, counts as owed: long enough that the process
 * that made it due has posted it or died (one post, with retries, takes at most about 30 s).
 * @defaultValue 30000
 */
export const SIGNOFF_OWED_AFTER_MS = 30_000;

/** At most this many requests per sweep; the rest wait for the next sweep. @defaultValue 50 */
export const SIGNOFF_OWED_LIMIT = 50;

export interface OwedSignoffDeps {
  signoffs: Pick<SignoffRepository, 'findById' | 'unposted'>;
  notices: Pick<SignoffNotices, 'owed'>;
  effects: Pick<AllSignoffEffects, 'publish' | 'deliverOwedNotices'>;
  now: () => Date;
  /** @defaultValue SIGNOFF_OWED_AFTER_MS */
  owedAfterMs?: number | undefined;
  /** @defaultValue SIGNOFF_OWED_LIMIT */
  limit?: number | undefined;
}

export interface OwedSignoffReport {
  /** Requests whose message was never recorded, posted (or found in the thread) again. */
  signoffMessages: number;
  /** Requests whose owed notices were delivered. */
  signoffNotices: number;
  /** Requests where that failed; the next sweep tries again. */
  signoffErrors: number;
}

/**
 * Delivers what sign-off still owes the thread when nobody touches the request again: a request message its
 * creator never recorded (it died between Slack's OK and the write, or before posting), and the decision, override
 * and expiry notices owed in the transaction that made them due. Each post is claimed (two sweeping replicas post
 * once) and, after an earlier attempt, looked for in the thread first (see createSignoffEffects).
 */
export async function deliverOwedSignoffWork(deps: OwedSignoffDeps): Promise<OwedSignoffReport> {
  const dueBefore = new Date(deps.now().getTime() - (deps.owedAfterMs ?? SIGNOFF_OWED_AFTER_MS));
  const limit = deps.limit ?? SIGNOFF_OWED_LIMIT;
  const report: OwedSignoffReport = { signoffMessages: 0, signoffNotices: 0, signoffErrors: 0 };
  const each = async (ids: string[], deliver: (id: string) => Promise<boolean>, counted: 'signoffMessages' | 'signoffNotices') => {
    for (const id of ids) {
      try {
        if (await deliver(id)) report[counted] += 1;
      } catch {
        report.signoffErrors += 1;
      }
    }
  };
  // The message first: a notice is a reply in the same thread, and reads better after it.
  await each(
    await deps.signoffs.unposted(dueBefore, limit),
    async (id) => {
      const request = await deps.signoffs.findById(id);
      if (request?.messageTs !== null) return false;
      await deps.effects.publish(request);
      return true;
    },
    'signoffMessages',
  );
  await each(
    await deps.notices.owed(dueBefore, limit),
    async (id) => {
      const request = await deps.signoffs.findById(id);
      if (!request) return false;
      await deps.effects.deliverOwedNotices(request);
      return true;
    },
    'signoffNotices',
  );
  return report;
}
