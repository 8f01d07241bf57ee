import { Prisma } from '../generated/prisma/client.ts';
import { checkSignoff, type SignAttempt, type SignRefusal } from '../approvals/authorize.ts';
import { evaluateSignoffs, type SignoffOutcome } from '../approvals/progress.ts';
import type { Decision, Requirement, SignoffKind, SignoffRecord, SignoffRequestView } from '../approvals/signoff.types.ts';
import { auditInsert } from './audit.repository.ts';
import type { Db } from './prisma.ts';

const withSignoffs = { signoffs: { orderBy: { signedAt: 'asc' } } } satisfies Prisma.SignoffRequestInclude;
type RequestRow = Prisma.SignoffRequestGetPayload<{ include: typeof withSignoffs }>;
type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

/** Exactly the fields of a sign-off record, whatever else the source carries. */
function toRecord(signoff: SignoffRecord): SignoffRecord {
  return {
    role: signoff.role,
    userId: signoff.userId,
    kind: signoff.kind,
    note: signoff.note,
    signedAt: signoff.signedAt,
    carriedFromId: signoff.carriedFromId,
  };
}

function toView(row: RequestRow): SignoffRequestView {
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

const isUniqueViolation = (error: unknown) => error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

/** The decision an outcome leads to, as the request row stores it. */
function decisionFields(outcome: SignoffOutcome, at: Date) {
  if (outcome.kind === 'rejected') {
    return { status: 'REJECTED' as const, decision: 'NO_GO', decisionReason: outcome.rejection.note, decidedAt: at };
  }
  if (outcome.kind === 'approved') {
    const conditions = outcome.conditions.map((condition) => `${condition.role}: ${condition.text}`).join('; ');
    return { status: 'APPROVED' as const, decision: outcome.decision, decisionReason: conditions || null, decidedAt: at };
  }
  return undefined;
}

const subject = (request: { id: string }) => ({ subjectType: 'signoff_request', subjectId: request.id });
const context = (request: { service: string; environment: string; assessmentId: string }) => ({
  service: request.service,
  environment: request.environment,
  assessmentId: request.assessmentId,
});

async function lockRequest(tx: Tx, id: string): Promise<SignoffRequestView | undefined> {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM signoff_requests WHERE id = ${id}::uuid FOR UPDATE`;
  if (rows.length === 0) return undefined;
  const row = await tx.signoffRequest.findUnique({ where: { id }, include: withSignoffs });
  return row ? toView(row) : undefined;
}

/** Records the decision (and its audit event) when the outcome is one; returns it. */
async function decideIfDone(tx: Tx, request: SignoffRequestView, signoffs: readonly SignoffRecord[], at: Date): Promise<SignoffOutcome> {
  const { outcome } = evaluateSignoffs(request.requirements, signoffs, request.verdict);
  const fields = decisionFields(outcome, at);
  if (!fields) return outcome;
  await tx.signoffRequest.update({ where: { id: request.id }, data: fields });
  await tx.auditEvent.create({
    data: auditInsert({
      actor: 'system',
      action: 'signoff.decided',
      ...subject(request),
      before: { status: request.status, decision: request.decision },
      after: { status: fields.status, decision: fields.decision },
      reason: fields.decisionReason,
      data: { ...context(request), decision: fields.decision },
    }),
  });
  return outcome;
}

export interface NewSignoffRequest {
  assessmentId: string;
  service: string;
  environment: string;
  requestedBy: string;
  channelId: string;
  threadTs: string;
  requirements: Requirement[];
  verdict: Decision;
  expiresAt: Date;
  carried: SignoffRecord[];
  at: Date;
}

function requestColumns(input: Omit<NewSignoffRequest, 'carried' | 'expiresAt'>, expiresAt: Date) {
  return {
    assessmentId: input.assessmentId,
    service: input.service,
    environment: input.environment,
    requestedBy: input.requestedBy,
    channelId: input.channelId,
    threadTs: input.threadTs,
    requirements: input.requirements as unknown as Prisma.InputJsonArray,
    verdict: input.verdict,
    expiresAt,
    createdAt: input.at,
  };
}

export type SignResult =
  | { applied: true; request: SignoffRequestView; outcome: SignoffOutcome }
  | { applied: false; refusal: SignRefusal | { reason: 'not_found' } };

/** Sign-off requests and sign-offs; every change is a guarded transition under a row lock, with its audit event. */
export function createSignoffRepository(db: Db) {
  const find = async (where: Prisma.SignoffRequestWhereUniqueInput) => {
    const row = await db.signoffRequest.findUnique({ where, include: withSignoffs });
    return row ? toView(row) : undefined;
  };

  return {
    findById: (id: string) => find({ id }),
    findByAssessment: (assessmentId: string) => find({ assessmentId }),

    /** The newest request of a service and environment, whatever its state. */
    async latestFor(service: string, environment: string): Promise<SignoffRequestView | undefined> {
      const row = await db.signoffRequest.findFirst({ where: { service, environment }, orderBy: { createdAt: 'desc' }, include: withSignoffs });
      return row ? toView(row) : undefined;
    },

    /** The request a newer assessment made STALE most recently: where carried sign-offs come from. */
    async latestStale(service: string, environment: string): Promise<SignoffRequestView | undefined> {
      const row = await db.signoffRequest.findFirst({
        where: { service, environment, status: 'STALE' },
        orderBy: { createdAt: 'desc' },
        include: withSignoffs,
      });
      return row ? toView(row) : undefined;
    },

    /** Creates the request for an assessment once; carried sign-offs may decide it at once. */
    async create(input: NewSignoffRequest): Promise<{ request: SignoffRequestView; created: boolean; outcome?: SignoffOutcome }> {
      try {
        return await db.$transaction(async (tx) => {
          const row = await tx.signoffRequest.create({
            data: {
              ...requestColumns(input, input.expiresAt),
              signoffs: {
                create: input.carried.map((signoff) => ({
                  ...toRecord(signoff),
                  snapshotHash: input.requirements.find((requirement) => requirement.role === signoff.role)?.snapshotHash ?? '',
                })),
              },
            },
            include: withSignoffs,
          });
          const request = toView(row);
          await tx.auditEvent.create({
            data: auditInsert({
              actor: input.requestedBy,
              action: 'signoff.requested',
              ...subject(request),
              before: null,
              after: { status: 'PENDING' },
              data: { ...context(request), roles: input.requirements.map((requirement) => requirement.role), carried: input.carried.length },
            }),
          });
          for (const signoff of input.carried) {
            await tx.auditEvent.create({
              data: auditInsert({
                actor: 'system',
                action: 'signoff.carried',
                ...subject(request),
                before: { role: signoff.role, signoff: null },
                after: { role: signoff.role, signoff: signoff.kind },
                reason: `${signoff.role} results unchanged since request ${signoff.carriedFromId ?? ''}`,
                data: { ...context(request), role: signoff.role, userId: signoff.userId },
                dedupeKey: `signoff.carried_${request.id}_${signoff.role}_${signoff.userId}`,
              }),
            });
          }
          const outcome = await decideIfDone(tx, request, request.signoffs, input.at);
          const latest = await tx.signoffRequest.findUniqueOrThrow({ where: { id: request.id }, include: withSignoffs });
          return { request: toView(latest), created: true, outcome };
        });
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        const existing = await find({ assessmentId: input.assessmentId });
        if (!existing) throw error;
        return { request: existing, created: false };
      }
    },

    async attachMessage(id: string, messageTs: string): Promise<boolean> {
      const { count } = await db.signoffRequest.updateMany({ where: { id, messageTs: null }, data: { messageTs } });
      return count === 1;
    },

    /**
     * Records one person's sign-off. The request row is locked, so simultaneous clicks are checked one after the
     * other against what the others recorded; the unique (request, role, user) index is the last line of defence.
     */
    async sign(input: {
      requestId: string;
      role: string;
      userId: string;
      kind: SignoffKind;
      note: string | null;
      allowSelfApproval: boolean;
      separation?: SignAttempt['separation'];
      at: Date;
    }): Promise<SignResult> {
      try {
        return await db.$transaction(async (tx) => {
          const request = await lockRequest(tx, input.requestId);
          if (!request) return { applied: false, refusal: { reason: 'not_found' } };
          const refusal = checkSignoff(request, { ...input, isMember: true, now: input.at });
          if (refusal) return { applied: false, refusal };
          const requirement = request.requirements.find((candidate) => candidate.role === input.role);
          await tx.signoff.create({
            data: {
              requestId: request.id,
              role: input.role,
              userId: input.userId,
              kind: input.kind,
              note: input.note,
              signedAt: input.at,
              snapshotHash: requirement?.snapshotHash ?? '',
            },
          });
          await tx.auditEvent.create({
            data: auditInsert({
              actor: input.userId,
              action: input.kind === 'REJECT' ? 'signoff.rejected' : 'signoff.approved',
              ...subject(request),
              before: { role: input.role, signoff: null },
              after: { role: input.role, signoff: input.kind },
              reason: input.note,
              data: { ...context(request), role: input.role, kind: input.kind },
              dedupeKey: `signoff_${request.id}_${input.role}_${input.userId}`,
            }),
          });
          const signoffs = [
            ...request.signoffs,
            { role: input.role, userId: input.userId, kind: input.kind, note: input.note, signedAt: input.at, carriedFromId: null },
          ];
          const outcome = await decideIfDone(tx, request, signoffs, input.at);
          const latest = await tx.signoffRequest.findUniqueOrThrow({ where: { id: request.id }, include: withSignoffs });
          return { applied: true, request: toView(latest), outcome };
        });
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        const request = await find({ id: input.requestId });
        return {
          applied: false,
          refusal: {
            reason: 'already_signed',
            role: input.role,
            kind: request?.signoffs.find((s) => s.userId === input.userId && s.role === input.role)?.kind ?? input.kind,
          },
        };
      }
    },

    /** PENDING past its expiry -> EXPIRED, once. */
    async expire(id: string, at: Date): Promise<SignoffRequestView | undefined> {
      return db.$transaction(async (tx) => {
        const { count } = await tx.signoffRequest.updateMany({
          where: { id, status: 'PENDING', expiresAt: { lte: at } },
          data: { status: 'EXPIRED', decidedAt: at },
        });
        if (count === 0) return undefined;
        const row = await tx.signoffRequest.findUniqueOrThrow({ where: { id }, include: withSignoffs });
        await tx.auditEvent.create({
          data: auditInsert({
            actor: 'system',
            action: 'signoff.expired',
            ...subject(row),
            before: { status: 'PENDING' },
            after: { status: 'EXPIRED' },
            reason: 'not every sign-off was in before the request expired',
            data: context(row),
          }),
        });
        return toView(row);
      });
    },

    /** Open requests of older assessments of the same service and environment become STALE; returns them. */
    async markStale(input: { service: string; environment: string; newerAssessmentId: string; at: Date }): Promise<SignoffRequestView[]> {
      return db.$transaction(async (tx) => {
        const open = await tx.signoffRequest.findMany({
          where: {
            service: input.service,
            environment: input.environment,
            status: { in: ['PENDING', 'APPROVED'] },
            assessmentId: { not: input.newerAssessmentId },
          },
          select: { id: true },
        });
        const stale: SignoffRequestView[] = [];
        for (const { id } of open) {
          // Locked first, so the audit says whether it was pending or approved when it went stale.
          const found = await lockRequest(tx, id);
          const { count } = await tx.signoffRequest.updateMany({
            where: { id, status: { in: ['PENDING', 'APPROVED'] } },
            data: { status: 'STALE', staleSince: input.at },
          });
          if (count === 0) continue;
          const row = await tx.signoffRequest.findUniqueOrThrow({ where: { id }, include: withSignoffs });
          await tx.auditEvent.create({
            data: auditInsert({
              actor: 'system',
              action: 'signoff.stale',
              ...subject(row),
              before: { status: found?.status ?? null },
              after: { status: 'STALE' },
              reason: `a newer assessment (${input.newerAssessmentId.slice(0, 8)}) of ${input.service} in ${input.environment} completed`,
              data: { ...context(row), newerAssessmentId: input.newerAssessmentId },
            }),
          });
          stale.push(toView(row));
        }
        return stale;
      });
    },

    /**
     * An override role's GO over a NO-GO or an unfinished sign-off: recorded loudly, once. Creates the request
     * row when the assessment never had one.
     */
    async override(
      input: Omit<NewSignoffRequest, 'carried' | 'requirements' | 'expiresAt'> & { justification: string; requirements: Requirement[] },
    ): Promise<
      | { applied: true; request: SignoffRequestView }
      | { applied: false; request: SignoffRequestView | undefined; reason: 'stale' | 'already_overridden' }
    > {
      return db.$transaction(async (tx) => {
        const inserted = await tx.signoffRequest.createMany({
          // An override of an assessment that never asked for sign-off still leaves its request row behind.
          data: [requestColumns(input, input.at)],
          skipDuplicates: true,
        });
        // That row is born PENDING; the audit must not say the override found a pending sign-off it created itself.
        const neverRequested = inserted.count === 1;
        const existing = await tx.signoffRequest.findUniqueOrThrow({ where: { assessmentId: input.assessmentId } });
        const request = await lockRequest(tx, existing.id);
        if (!request) throw new Error('the sign-off request vanished inside its transaction');
        if (request.status === 'STALE') return { applied: false, request, reason: 'stale' };
        if (request.override) return { applied: false, request, reason: 'already_overridden' };
        await tx.signoffRequest.update({
          where: { id: request.id },
          data: {
            status: 'OVERRIDDEN',
            decision: 'GO',
            override: true,
            overriddenBy: input.requestedBy,
            decisionReason: input.justification,
            decidedAt: input.at,
          },
        });
        await tx.auditEvent.create({
          data: auditInsert({
            actor: input.requestedBy,
            action: 'signoff.overridden',
            ...subject(request),
            before: { status: neverRequested ? null : request.status, verdict: request.verdict, decision: neverRequested ? null : request.decision },
            after: { status: 'OVERRIDDEN', verdict: request.verdict, decision: 'GO' },
            reason: input.justification,
            data: {
              ...context(request),
              signoffRequested: !neverRequested,
              previousStatus: neverRequested ? null : request.status,
              previousDecision: neverRequested ? null : request.decision,
            },
          }),
        });
        const row = await tx.signoffRequest.findUniqueOrThrow({ where: { id: request.id }, include: withSignoffs });
        return { applied: true, request: toView(row) };
      });
    },
  };
}
export type SignoffRepository = ReturnType<typeof createSignoffRepository>;
