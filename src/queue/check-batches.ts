/**
 * Checks of one assessment per batch job. One job per check made BullMQ hand out, lock, renew and finish 200 jobs
 * for a 200-check assessment (~0.3 ms of Redis work each, one round trip at a time per worker), which kept the
 * verdict near a naive flow's; a batch runs its checks side by side inside one job, so a 1,000-check assessment is
 * 20 jobs. Small enough that the batches of a large assessment spread over worker replicas.
 * @defaultValue 50
 */
export const CHECK_BATCH_SIZE = 50;

/** The check ids in batches of at most `size`, in the order given: the same ids always make the same batches. */
export function checkBatches(checkIds: readonly string[], size = CHECK_BATCH_SIZE): string[][] {
  const batches: string[][] = [];
  for (let at = 0; at < checkIds.length; at += size) batches.push(checkIds.slice(at, at + size));
  return batches;
}
