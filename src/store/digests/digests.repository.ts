import type { DigestRepository } from '../../digests/digest.ports.ts';
import type { Db } from '../prisma.ts';
import { loadDigestData } from './digest-data.ts';
import { findRun, postOnce } from './digest-runs.ts';

/** Digest runs and the queries digests are built from, on Postgres; `findRun` lets composition and tests read a run back. */
export function createDigestRepository(db: Db) {
  const repository: DigestRepository = {
    postOnce: (claim, post) => postOnce(db, claim, post),
    loadDigestData: (services, period, now) => loadDigestData(db, services, period, now),
  };
  return { ...repository, findRun: (key: string) => findRun(db, key) };
}
export type DigestStore = ReturnType<typeof createDigestRepository>;
