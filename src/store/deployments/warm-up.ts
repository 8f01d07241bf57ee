import type { Db } from '../prisma.ts';
import { completePhase } from './phases.ts';
import { findDeployment } from './reads.ts';
import { claimTask, markTaskRunning, recordTask } from './tasks.ts';

/**
 * No row has this id: ids are random (v4) UUIDs and the nil UUID is never one, so every guarded statement below
 * matches nothing and every read finds nothing.
 */
const NO_SUCH_ID = '00000000-0000-0000-0000-000000000000';

/**
 * Prisma compiles each query shape the first time it runs (its query compiler, then a plan cache keyed by shape):
 * 2–40 ms a shape on a small machine, which the first deployment after a worker started would otherwise pay inside
 * its phases. This runs the shapes a phase job runs for every task and every phase, one after another, against an
 * id no row has: nothing is read or changed, and the real queries find their plans cached. Statements that only run
 * once a guard matched (the audit entry of SUCCEEDED, releasing the lock) are not reached.
 */
export async function warmUpDeploymentQueries(db: Db): Promise<void> {
  const at = new Date(0);
  await findDeployment(db, NO_SUCH_ID);
  await markTaskRunning(db, NO_SUCH_ID, { stage: 'deploy', taskId: 'warm-up', generation: 0 }, at);
  await db.$transaction((tx) => claimTask(tx, NO_SUCH_ID, { stage: 'deploy', taskId: 'warm-up' }, at));
  await recordTask(db, NO_SUCH_ID, 'deploy', 'warm-up', { status: 'SUCCEEDED', message: '', evidence: {} }, at);
  await completePhase(db, NO_SUCH_ID, { phaseIndex: 0, generation: 0, isLast: false }, at);
  await completePhase(db, NO_SUCH_ID, { phaseIndex: 0, generation: 0, isLast: true }, at);
}
