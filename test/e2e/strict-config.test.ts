import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { projectRoot } from '../../src/shared/paths.ts';
import { entryProcesses, exited } from '../support/processes.ts';
import { runCli } from '../support/cli.ts';

// The shipped example with two misspellings a person makes: before strict config both were silently dropped,
// so the check ran with a 5 s timeout and high severity and `config validate` said the file was valid.
const TYPO_TIMEOUT = 'services.example-api.checks[2].timeoutMS: unknown key; did you mean `timeoutMs`?';
const TYPO_SEVERITY = 'services.example-api.checks[3].severty: unknown key; did you mean `severity`?';

let configPath: string;
const processes = entryProcesses();
beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'readiness-strict-'));
  configPath = join(dir, 'readiness.yaml');
  const example = await readFile(join(projectRoot, 'examples', 'readiness.yaml'), 'utf8');
  const typos = example
    .replace(/(- id: search-latency[\s\S]*?)timeoutMs: 3000/, '$1timeoutMS: 3000')
    .replace(/(- id: docs[\s\S]*?)severity: low/, '$1severty: low');
  expect(typos).not.toBe(example);
  await writeFile(configPath, typos);
});
afterAll(() => processes.killAll());

const cli = (...args: string[]) => runCli({}, ...args);

describe('a misspelt key in readiness.yaml is an error, not a silent default', () => {
  it('readiness config validate exits 2 and names each key path with the key that was meant', async () => {
    const { code, stdout, stderr } = await cli('config', 'validate', '--config', configPath);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`${configPath} is not a valid readiness config`);
    expect(stderr).toContain(TYPO_TIMEOUT);
    expect(stderr).toContain(TYPO_SEVERITY);
    expect(stderr).not.toMatch(/^\s+at /m);
  });

  it('readiness assess refuses to run the checks on it', async () => {
    const { code, stdout, stderr } = await cli('assess', '--service', 'example-api', '--env', 'staging', '--config', configPath);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(TYPO_TIMEOUT);
  });

  it.each(['bot.ts', 'worker.ts'])('%s refuses to start on it: exit 2, the same message, no stack trace', async (entry) => {
    // Its own database and prefix: should it start after all, it must not touch anyone else's queues.
    const started = processes.start(entry, {
      SLACK_BOT_TOKEN: 'xoxb-strict',
      SLACK_SIGNING_SECRET: 'strict-config-secret',
      READINESS_CONFIG: configPath,
      DATABASE_URL: inject('databaseUrl'),
      REDIS_URL: inject('redisUrl'),
      QUEUE_PREFIX: `rtstrict${randomBytes(3).toString('hex')}`,
      PORT: '0',
      ADMIN_PORT: '0',
    });
    expect(await exited(started)).toBe(2);
    expect(started.output()).toContain(`${configPath} is not a valid readiness config`);
    expect(started.output()).toContain(TYPO_TIMEOUT);
    expect(started.output()).toContain(TYPO_SEVERITY);
    expect(started.output()).not.toMatch(/^\s+at /m);
  });
});
