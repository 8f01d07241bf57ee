import { createTask, parse, validateDetailed } from 'node-cron';

/**
 * Cron expression arithmetic (validation, matching a minute) as pure functions, so rules about schedules (the
 * digests' periods) need not import the scheduler; running schedules stays with the edges (jobs/schedules.ts).
 */

/** One field of an expression that could not be read: `field` is node-cron's name (minute, dayOfMonth, …). */
export interface CronFieldProblem {
  field: string;
  value?: string;
  message: string;
}

/** Whether node-cron reads the expression, and what is wrong with it when it does not. */
export function checkCron(expression: string): { valid: true } | { valid: false; problems: CronFieldProblem[] } {
  const checked = validateDetailed(expression);
  return checked.valid ? { valid: true } : { valid: false, problems: checked.errors };
}

/** The minutes of the hour at which the expression may fire. */
export const cronMinutes = (expression: string): Set<number> => new Set(parse(expression).minute);

/** Runs `use` with a matcher for the expression in its zone (a node-cron task that is never started). */
export function withCronMatcher<T>(schedule: { schedule: string; timezone: string }, use: (matches: (at: Date) => boolean) => T): T {
  const task = createTask(schedule.schedule, () => undefined, { timezone: schedule.timezone });
  try {
    return use((at) => task.match(at));
  } finally {
    void task.destroy();
  }
}
