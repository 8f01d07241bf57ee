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

describe('ADMIN_PORT, ADMIN_HOST and ADMIN_TOKEN', () => {
  it('bind bot and worker to localhost on different ports, without a token, unless told otherwise', () => {
    expect(parseEnv(Env, HTTP_MODE)).toMatchObject({ ADMIN_PORT: 9090, ADMIN_HOST: '127.0.0.1' });
    expect(parseEnv(Env, HTTP_MODE).ADMIN_TOKEN).toBeUndefined();
    expect(parseEnv(WorkerEnv, HTTP_MODE)).toMatchObject({ ADMIN_PORT: 9091, ADMIN_HOST: '127.0.0.1' });
  });

  it('reads what is set, port 0 included (a free port, for tests)', () => {
    const token = 'a-token-of-enough-length';
    expect(parseEnv(Env, { ...HTTP_MODE, ADMIN_PORT: '0', ADMIN_HOST: '0.0.0.0', ADMIN_TOKEN: token })).toMatchObject({
      ADMIN_PORT: 0,
      ADMIN_HOST: '0.0.0.0',
      ADMIN_TOKEN: token,
    });
    expect(parseEnv(WorkerEnv, { ...HTTP_MODE, ADMIN_PORT: '9200' }).ADMIN_PORT).toBe(9200);
  });

  it.each([
    [{ ADMIN_PORT: 'admin' }, 'ADMIN_PORT: must be a port number (0-65535)'],
    [{ ADMIN_PORT: '70000' }, 'ADMIN_PORT: must be a port number (0-65535)'],
    [{ ADMIN_PORT: '90.5' }, 'ADMIN_PORT: must be a port number (0-65535)'],
    [{ ADMIN_HOST: 'http://localhost' }, 'ADMIN_HOST: must be a host name or IP address such as 127.0.0.1 or 0.0.0.0'],
    [{ ADMIN_TOKEN: 'short' }, 'ADMIN_TOKEN: must be at least 16 characters (or unset)'],
    [{ PORT: '8080', ADMIN_PORT: '8080' }, 'ADMIN_PORT: must differ from PORT: the admin endpoints are kept off the Slack listener'],
    [{ WORKER_CONCURRENCY: 'many' }, 'WORKER_CONCURRENCY: must be a whole number above 0'],
  ])('%j is refused with a clear message', (values, problem) => {
    expect(problemsOf(() => parseEnv(Env, { ...HTTP_MODE, ...values }))).toEqual([problem]);
  });

  it('never repeats the token in a message', () => {
    const problems = problemsOf(() => parseEnv(Env, { ...HTTP_MODE, ADMIN_TOKEN: 'hunter2', PORT: 'x' }));
    expect(problems.join('\n')).not.toContain('hunter2');
  });
});
