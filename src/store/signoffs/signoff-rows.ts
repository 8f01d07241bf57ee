import { Prisma } from '../../generated/prisma/client.ts';
import type { Decision, Requirement, SignoffRecord, SignoffRequestView } from '../../approvals/signoff.types.ts';
import type { Db } from '../prisma.ts';

/** Every read of a request brings its sign-offs, oldest first. */
export const withSignoffs = { signoffs: { orderBy: { signedAt: 'asc' } } } satisfies Prisma.SignoffRequestInclude;
type RequestRow = Prisma.SignoffRequestGetPayload<{ include: typeof withSignoffs }>;
export type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

/**
 * For transactions that lock a request row. Clicks on one request queue on its lock, one after the other, and a
 * burst of them (ten roles approving at once, each click delivered twice across two replicas) outlasts Prisma's 5 s
 * default: the transaction expired and the click was answered with an error and lost. The lock wait is the design,
 * so allow for it, as the incident rows do.
 */
export const LOCKING_TX = { timeout: 30_000, maxWait: 15_000 };

/** Exactly the fields of a sign-off record, whatever else the source carries. */
export function toRecord(signoff: SignoffRecord): SignoffRecord {
  return {
    role: signoff.role,
    userId: signoff.userId,
    kind: signoff.kind,
    note: signoff.note,
    signedAt: signoff.signedAt,
    carriedFromId: signoff.carriedFromId,
  };
}

export function toView(row: RequestRow): SignoffRequestView {
  return {
    id: row.id,
    assessmentId: row.assessmentId,
    service: row.service,
    environment: row.environment,
    status: row.status,
    requestedBy: row.requestedBy,
    channelId: row.channelId,
    threadTs: row.threadTs,
    messageTs: row.messageTs,
    requirements: row.requirements as unknown as Requirement[],
    verdict: row.verdict as Decision,
    decision: row.decision as Decision | null,
    decisionReason: row.decisionReason,
    override: row.override,
    overriddenBy: row.overriddenBy,
    expiresAt: row.expiresAt,
    decidedAt: row.decidedAt,
    staleSince: row.staleSince,
    createdAt: row.createdAt,
    signoffs: row.signoffs.map(toRecord),
  };
}

export async function findRequest(db: Db | Tx, where: Prisma.SignoffRequestWhereUniqueInput): Promise<SignoffRequestView | undefined> {
  const row = await db.signoffRequest.findUnique({ where, include: withSignoffs });
  return row ? toView(row) : undefined;
}

/** The request as it is now, inside a transaction that changed it. */
export async function reloadRequest(tx: Tx, id: string): Promise<SignoffRequestView> {
  return toView(await tx.signoffRequest.findUniqueOrThrow({ where: { id }, include: withSignoffs }));
}

/** The newest request of a service and environment matching `where`. */
export async function newestRequest(db: Db, where: Prisma.SignoffRequestWhereInput): Promise<SignoffRequestView | undefined> {
  const row = await db.signoffRequest.findFirst({ where, orderBy: { createdAt: 'desc' }, include: withSignoffs });
  return row ? toView(row) : undefined;
}

/** Locks the request row for the rest of the transaction, then reads it. */
export async function lockRequest(tx: Tx, id: string): Promise<SignoffRequestView | undefined> {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM signoff_requests WHERE id = ${id}::uuid FOR UPDATE`;
  if (rows.length === 0) return undefined;
  return findRequest(tx, { id });
}

export const isUniqueViolation = (error: unknown) => error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
