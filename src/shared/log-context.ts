import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Fields every log line written inside a unit of work carries (a job's jobId, queue and the assessment, deployment
 * or incident it is about), so code deep inside a processor logs through the one process logger and its lines
 * still say which job they belong to.
 */
const context = new AsyncLocalStorage<Readonly<Record<string, unknown>>>();

/** Runs `work` with `fields` added to every log line written while it runs (nested contexts add to the outer one). */
export function withLogContext<T>(fields: Readonly<Record<string, unknown>>, work: () => T): T {
  return context.run({ ...context.getStore(), ...fields }, work);
}

/** The fields of the unit of work running now; none outside one. */
export function currentLogContext(): Readonly<Record<string, unknown>> {
  return context.getStore() ?? {};
}
