import type { DeploymentPlan } from './plan.ts';

export type DeploymentStatus =
  | 'PLANNED'
  | 'RUNNING'
  | 'PAUSED'
  | 'SUCCEEDED'
  | 'FAILED'
  | 'ABORTED'
  | 'CANCELLED'
  | 'ROLLING_BACK'
  | 'ROLLED_BACK'
  | 'ROLLBACK_FAILED';

export type TaskStatus = 'PENDING' | 'RUNNING' | 'WAITING' | 'SUCCEEDED' | 'FAILED' | 'SKIPPED';
export type Stage = 'deploy' | 'rollback';

export interface TaskView {
  stage: Stage;
  phaseIndex: number;
  taskId: string;
  type: string;
  status: TaskStatus;
  attempts: number;
  idempotencyKey: string;
  message: string | null;
  evidence: Record<string, unknown> | null;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface DeploymentView {
  id: string;
  service: string;
  environment: string;
  template: string;
  version: string | null;
  status: DeploymentStatus;
  requestedBy: string;
  startedBy: string | null;
  channelId: string;
  threadTs: string | null;
  messageTs: string | null;
  assessmentId: string;
  plan: DeploymentPlan;
  currentPhase: number;
  generation: number;
  failureReason: string | null;
  rollbackReason: string | null;
  rollbackBy: string | null;
  createdAt: Date;
  /** A plan not started by then expires. */
  planExpiresAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  rollbackStartedAt: Date | null;
  rollbackFinishedAt: Date | null;
  tasks: TaskView[];
}

/** Statuses from which a rollback may start. */
export const ROLLBACKABLE_STATUSES: readonly DeploymentStatus[] = ['RUNNING', 'PAUSED', 'FAILED', 'ABORTED', 'SUCCEEDED'];

/** What a task run reports. WAITING: a manual gate that waits for a person. */
export interface TaskOutcome {
  status: 'SUCCEEDED' | 'FAILED' | 'WAITING';
  message: string;
  evidence?: Record<string, unknown>;
}
