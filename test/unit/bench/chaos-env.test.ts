import { describe, expect, it } from 'vitest';
import { wholeNumberFromEnv } from '../../../bench/chaos/support/env.ts';

const failWith = (message: string): never => {
  throw new Error(message);
};

describe('a chaos scenario size from the environment', () => {
  it('is the fallback when unset or empty, and the number when given', () => {
    expect(wholeNumberFromEnv('ASSESSMENTS', 100, {}, failWith)).toBe(100);
    expect(wholeNumberFromEnv('ASSESSMENTS', 100, { ASSESSMENTS: ' ' }, failWith)).toBe(100);
    expect(wholeNumberFromEnv('ASSESSMENTS', 100, { ASSESSMENTS: '0' }, failWith)).toBe(0);
    expect(wholeNumberFromEnv('CHAOS_WINDOW_MS', 1, { CHAOS_WINDOW_MS: '60_000' }, failWith)).toBe(60_000);
  });

  it('refuses anything else, naming the variable and what was given', () => {
    for (const given of ['abc', '-1', '1.5', '1e3', '12 tests'])
      expect(() => wholeNumberFromEnv('ASSESSMENTS', 100, { ASSESSMENTS: given }, failWith)).toThrow(
        `ASSESSMENTS must be a whole number of 0 or more (got ${JSON.stringify(given)})`,
      );
  });
});
