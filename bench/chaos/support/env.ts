/** Ends the scenario before it starts anything: one line on stderr, the usage exit code, no stack trace. */
const refuse = (message: string): never => {
  process.stderr.write(`${message}\n`);
  process.exit(2);
};

/**
 * A scenario's size knob from the environment: a whole number of 0 or more (`_` separators allowed), or `fallback`
 * when unset or empty. Anything else is refused naming the variable and what was given (`ASSESSMENTS=abc` used to
 * run with NaN and report nothing useful).
 */
export function wholeNumberFromEnv(name: string, fallback: number, env: NodeJS.ProcessEnv = process.env, fail = refuse): number {
  const given = env[name]?.trim();
  if (given === undefined || given === '') return fallback;
  const digits = given.replaceAll('_', '');
  if (/^\d+$/.test(digits)) return Number(digits);
  return fail(`${name} must be a whole number of 0 or more (got ${JSON.stringify(given.slice(0, 40))})`);
}
