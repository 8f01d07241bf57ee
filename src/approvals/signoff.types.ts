export type SignoffKind = 'APPROVE' | 'APPROVE_WITH_CONDITIONS' | 'REJECT';
export type SignoffRequestStatus = 'PENDING' | 'APPROVED' | 'REJECTED' | 'EXPIRED' | 'STALE' | 'OVERRIDDEN';
export type Decision = 'GO' | 'GO_WITH_CAUTION' | 'NO_GO';

/** A required role as recorded on the request: what it covers and the hash of those results then. */
export interface Requirement {
  role: string;
  count: number;
  covers: string[];
  snapshotHash: string;
}

export interface SignoffRecord {
  role: string;
  userId: string;
  kind: SignoffKind;
  note: string | null;
  signedAt: Date;
  /** The request it was first given on, when carried over unchanged from an older assessment. */
  carriedFromId: string | null;
}

export interface SignoffRequestView {
  id: string;
  assessmentId: string;
  service: string;
  environment: string;
  status: SignoffRequestStatus;
  requestedBy: string;
  channelId: string;
  threadTs: string;
  messageTs: string | null;
  requirements: Requirement[];
  verdict: Decision;
  decision: Decision | null;
  decisionReason: string | null;
  override: boolean;
  overriddenBy: string | null;
  expiresAt: Date;
  decidedAt: Date | null;
  staleSince: Date | null;
  createdAt: Date;
  signoffs: SignoffRecord[];
}
