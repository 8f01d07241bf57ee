import type { ClaimedRequest, InboxEntry, RecordOutcome, SlackRequestRepository } from '../intake/request-inbox.ports.ts';
import type { Db } from './prisma.ts';

// Lease times are the database's clock, so processes on machines whose clocks differ agree on them.
export function createSlackRequestRepository(db: Db): SlackRequestRepository {
  return {
    record: (entry, scope, leaseMs) => recordRequest(db, entry, scope, leaseMs),
    finish: (key, status) => finishRequest(db, key, status),
    renew: (keys, leaseMs) => renewLeases(db, keys, leaseMs),
    claimExpired: (scope, leaseMs, limit) => claimExpiredRequests(db, scope, leaseMs, limit),
    purgeFinished: (retentionMs) => purgeFinishedRequests(db, retentionMs),
  };
}

async function recordRequest(db: Db, entry: InboxEntry, scope: string, leaseMs: number): Promise<{ outcome: RecordOutcome }> {
  // One statement: the insert, or else the state of the row that holds the key (the subquery sees the
  // snapshot from before the insert, so it finds only a row that was already there).
  const [row] = await db.$queryRaw<{ created: boolean; status: string | null }[]>`
    WITH inserted AS (
      INSERT INTO slack_requests (key, scope, kind, user_id, body, response_url, lease_until)
      VALUES (${entry.key}, ${scope}, ${entry.kind}, ${entry.userId}, ${JSON.stringify(entry.body)}::jsonb, ${entry.responseUrl},
              now() + make_interval(secs => ${leaseMs / 1000}::double precision))
      ON CONFLICT (key) DO NOTHING
      RETURNING key
    )
    SELECT EXISTS (SELECT 1 FROM inserted) AS created, (SELECT status::text FROM slack_requests WHERE key = ${entry.key}) AS status`;
  if (row?.created) return { outcome: 'recorded' };
  return { outcome: row?.status === 'PENDING' ? 'in_progress' : 'finished' };
}

async function finishRequest(db: Db, key: string, status: 'DONE' | 'FAILED' | 'ABANDONED'): Promise<boolean> {
  const updated = await db.$executeRaw`
    UPDATE slack_requests
    SET status = ${status}::"SlackRequestStatus", body = NULL, response_url = NULL, finished_at = now()
    WHERE key = ${key} AND status = 'PENDING'`;
  return updated === 1;
}

async function renewLeases(db: Db, keys: readonly string[], leaseMs: number): Promise<void> {
  if (keys.length === 0) return;
  await db.$executeRaw`
    UPDATE slack_requests SET lease_until = now() + make_interval(secs => ${leaseMs / 1000}::double precision)
    WHERE key = ANY(${[...keys]}::text[]) AND status = 'PENDING'`;
}

type ClaimedRow = {
  key: string;
  kind: string;
  body: Record<string, unknown> | null;
  response_url: string | null;
  attempts: number;
  received_at: Date;
};

async function claimExpiredRequests(db: Db, scope: string, leaseMs: number, limit: number): Promise<ClaimedRequest[]> {
  const rows = await db.$queryRaw<ClaimedRow[]>`
    UPDATE slack_requests SET lease_until = now() + make_interval(secs => ${leaseMs / 1000}::double precision), attempts = attempts + 1
    WHERE key IN (
      SELECT key FROM slack_requests
      WHERE scope = ${scope} AND status = 'PENDING' AND lease_until < now()
      ORDER BY received_at
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    )
    RETURNING key, kind, body, response_url, attempts, received_at`;
  // RETURNING keeps no order: replay in the order Slack delivered them (a deploy before its rollback).
  return rows
    .sort((a, b) => a.received_at.getTime() - b.received_at.getTime())
    .map((row) => ({ key: row.key, kind: row.kind, body: row.body, responseUrl: row.response_url, attempts: row.attempts }));
}

async function purgeFinishedRequests(db: Db, retentionMs: number): Promise<number> {
  return db.$executeRaw`
    DELETE FROM slack_requests
    WHERE status <> 'PENDING' AND finished_at < now() - make_interval(secs => ${retentionMs / 1000}::double precision)`;
}
