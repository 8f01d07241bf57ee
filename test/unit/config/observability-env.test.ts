import { describe, expect, it } from 'vitest';
import { ConfigError, Env, parseEnv, WorkerEnv } from '../../../src/config/env.ts';

const HTTP_MODE = { SLACK_BOT_TOKEN: 'xoxb-123-456-abc', SLACK_SIGNING_SECRET: 'shh-secret' };

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('BULL_BOARD_USER, BULL_BOARD_PASSWORD and BULL_BOARD_WRITE', () => {
  it('leave the board off and read-only by default', () => {
    const env = parseEnv(Env, HTTP_MODE);
    expect([env.BULL_BOARD_USER, env.BULL_BOARD_PASSWORD, env.BULL_BOARD_WRITE]).toEqual(['admin', undefined, false]);
  });

  it('take a user, a password of 16 characters or more, and true or false', () => {
    const password = 'a-long-enough-password';
    expect(parseEnv(Env, { ...HTTP_MODE, BULL_BOARD_USER: 'ops', BULL_BOARD_PASSWORD: password, BULL_BOARD_WRITE: 'true' })).toMatchObject({
      BULL_BOARD_USER: 'ops',
      BULL_BOARD_PASSWORD: password,
      BULL_BOARD_WRITE: true,
    });
  });

  it.each([
    [{ BULL_BOARD_PASSWORD: 'short' }, 'BULL_BOARD_PASSWORD: must be at least 16 characters (or unset, which leaves Bull Board off)'],
    [{ BULL_BOARD_USER: 'ops:team' }, 'BULL_BOARD_USER: must be a user name without spaces or colons'],
    [{ BULL_BOARD_WRITE: 'yes' }, 'BULL_BOARD_WRITE: must be true or false'],
  ])('refuse %o with a sentence naming the variable', (values, problem) => {
    expect(problemsOf(() => parseEnv(Env, { ...HTTP_MODE, ...values }))).toEqual([problem]);
  });
});

describe('LOG_FORMAT and NODE_ENV', () => {
  it('are optional, and LOG_FORMAT is json or pretty for bots and workers alike', () => {
    const env = parseEnv(WorkerEnv, HTTP_MODE);
    expect([env.LOG_FORMAT, env.NODE_ENV]).toEqual([undefined, undefined]);
    expect(parseEnv(WorkerEnv, { ...HTTP_MODE, LOG_FORMAT: 'pretty', NODE_ENV: 'production' })).toMatchObject({
      LOG_FORMAT: 'pretty',
      NODE_ENV: 'production',
    });
    expect(problemsOf(() => parseEnv(Env, { ...HTTP_MODE, LOG_FORMAT: 'text' }))).toEqual(['LOG_FORMAT: must be json or pretty (or unset)']);
  });
});
