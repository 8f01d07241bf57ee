import type { DeploymentRepository } from '../../deployments/deployment.ports.ts';
import type { Db } from '../prisma.ts';
import { abortDeployment, failDeployment, pauseDeployment, resumeDeployment } from './controls.ts';
import { findLock } from './lock.ts';
import { completePhase } from './phases.ts';
import { attachMessage, cancelPlan, createDeployment, expirePlan, recordStartRefused } from './planning.ts';
import { findDeployment, lastAudited, latestCompletedAssessment, latestStarted, overduePlans } from './reads.ts';
import { finishRollback, startRollback } from './rollback.ts';
import { startDeployment } from './start.ts';
import { markTaskRunning, passGate, recordTask } from './tasks.ts';

/** Deployments, their tasks and the per-environment lock in Postgres; every change is guarded and audited in one transaction. */
export function createDeploymentRepository(db: Db): DeploymentRepository {
  return {
    find: (id) => findDeployment(db, id),
    latestCompletedAssessment: (service, environment) => latestCompletedAssessment(db, service, environment),
    latestStarted: (service, environment) => latestStarted(db, service, environment),
    findLock: (service, environment) => findLock(db, service, environment),
    lastAudited: (id, action) => lastAudited(db, id, action),
    overduePlans: (at, limit) => overduePlans(db, at, limit),
    create: (input) => createDeployment(db, input),
    attachMessage: (id, messageTs) => attachMessage(db, id, messageTs),
    start: (id, userId, at, guard) => startDeployment(db, id, userId, at, guard),
    expirePlan: (id, reason, at) => expirePlan(db, id, reason, at),
    recordStartRefused: (deployment, userId, reason, detail) => recordStartRefused(db, deployment, userId, reason, detail),
    cancel: (id, userId, at) => cancelPlan(db, id, userId, at),
    pause: (id, userId, reason) => pauseDeployment(db, id, userId, reason),
    resume: (id, userId) => resumeDeployment(db, id, userId),
    abort: (id, userId, at) => abortDeployment(db, id, userId, at),
    fail: (id, reason, at) => failDeployment(db, id, reason, at),
    markTaskRunning: (id, task, at) => markTaskRunning(db, id, task, at),
    recordTask: (id, stage, taskId, outcome, at) => recordTask(db, id, stage, taskId, outcome, at),
    passGate: (id, taskId, userId, at) => passGate(db, id, taskId, userId, at),
    completePhase: (id, phase, at) => completePhase(db, id, phase, at),
    startRollback: (id, input) => startRollback(db, id, input),
    finishRollback: (id, outcome, at) => finishRollback(db, id, outcome, at),
  };
}
