import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startExampleService, type ExampleService } from '../../tools/demo/example-service.ts';
import { SlackStandIn } from '../../tools/slack-stand-in/slack-stand-in.ts';
import { projectRoot } from '../../src/shared/paths.ts';
import { dropDatabase } from '../support/private-database.ts';
import { exited } from '../support/processes.ts';
import { closedPortUrl, until } from '../support/test-stack.ts';

/**
 * A platform engineer's production install: the project packed with `npm pack`, installed into an empty folder
 * with `--omit=dev` (no tsx, no TypeScript, no Prisma CLI), migrated, and its bot and worker started with plain
 * node against Postgres, Redis and the Slack stand-in.
 */

// Only PATH and HOME (the npm cache) from the runner: `npm test`'s own npm_* variables must not steer the
// nested npm commands, and nothing of the test's environment may leak into the started processes.
const baseEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], options: { cwd: string; env?: Record<string, string> }): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: { ...baseEnv, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Names only the Slack stand-in and the demo stack (tools/) define: compiled or not, a file holding one is theirs. */
const TOOL_MARKERS = /\b(SlackStandIn|startLocalStack|startExampleService|DeployReceiver|signSlackRequest)\b/;

/** Files under `root` (relative paths) that are, or carry code of, the stand-in or the demo stack. */
async function toolFilesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files = entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
  const found: string[] = [];
  for (const file of files) {
    const path = relative(root, file);
    if (/(^|[\\/])(tools|sandbox)[\\/]|(^|[\\/])demo\.[jt]s$/.test(path) || TOOL_MARKERS.test(await readFile(file, 'utf8'))) found.push(path);
  }
  return found;
}

const started: ChildProcess[] = [];
const cleanups: (() => Promise<unknown>)[] = [];

afterAll(async () => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all(started.map(exited));
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

describe('npm pack, then a production install (--omit=dev) into an empty folder', () => {
  it('migrates, starts bot and worker with plain node, reports ready, and gives verdicts in Slack and from the CLI', {
    timeout: 240_000,
  }, async () => {
    const work = await mkdtemp(join(tmpdir(), 'readiness-pack-'));
    cleanups.push(() => rm(work, { recursive: true, force: true }));

    // prepack builds dist/ first, so the tarball always holds the compiled code of these sources.
    const packed = await run('npm', ['pack', '--pack-destination', work, '--silent'], { cwd: projectRoot });
    expect(packed.code, packed.stderr).toBe(0);
    const tarball = join(work, (await readdir(work)).find((name) => name.endsWith('.tgz')) ?? 'missing.tgz');

    const app = join(work, 'app');
    await mkdir(app);
    await writeFile(join(app, 'package.json'), '{ "name": "readiness-install-test", "private": true }\n');
    const installed = await run('npm', ['install', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund', tarball], { cwd: app });
    expect(installed.code, installed.stderr).toBe(0);
    const pkg = join(app, 'node_modules', 'readiness');
    // Development tools stay out of a production install; the compiled code runs without them.
    for (const devTool of ['tsx', 'typescript', 'prisma', 'vitest', 'esbuild'])
      expect(existsSync(join(app, 'node_modules', devTool)), devTool).toBe(false);
    expect(existsSync(join(pkg, 'src')), 'TypeScript sources shipped').toBe(false);
    // The Slack stand-in and the demo (tools/) are test tooling, not part of what runs in production: neither the
    // build prepack just made nor the package holds any of their files.
    expect(await toolFilesUnder(join(projectRoot, 'dist'))).toEqual([]);
    expect(await toolFilesUnder(pkg)).toEqual([]);
    expect(existsSync(join(pkg, 'dist', 'src', 'main', 'bot.js'))).toBe(true);
    // What bin/readiness.mjs runs when installed: the one-file CLI the build makes (its migrate, its http checks
    // and its validate below go through it).
    expect(existsSync(join(pkg, 'dist', 'src', 'main', 'cli.bundle.mjs'))).toBe(true);
    const cli = join(app, 'node_modules', '.bin', 'readiness');

    const databaseUrl = new URL(inject('databaseUrl'));
    databaseUrl.pathname = `${databaseUrl.pathname}_pack${randomBytes(3).toString('hex')}`;
    cleanups.push(() => dropDatabase(databaseUrl.toString()));
    const migrated = await run(process.execPath, [cli, 'migrate'], { cwd: app, env: { DATABASE_URL: databaseUrl.toString() } });
    expect(migrated.code, migrated.stderr).toBe(0);
    expect(migrated.stdout).toMatch(/created database .*\n(applied \d+_\w+\n)+\d+ migration\(s\) applied/);
    const again = await run(process.execPath, [cli, 'migrate'], { cwd: app, env: { DATABASE_URL: databaseUrl.toString() } });
    expect(again.stdout).toContain('database is up to date');

    const target: ExampleService = await startExampleService();
    cleanups.push(() => target.close());
    const signingSecret = randomBytes(16).toString('hex');
    const standIn = await SlackStandIn.start({ signingSecret, botToken: 'xoxb-pack-test', channels: ['C0PACK'] });
    cleanups.push(() => standIn.close());
    const configPath = join(work, 'readiness.yaml');
    await writeFile(
      configPath,
      `services:\n  example-api:\n    environments:\n      staging:\n        vars: { baseUrl: "${target.url}" }\n    checks:\n      - { id: health, name: Health, type: http, severity: critical, url: "{{baseUrl}}/healthz" }\n`,
    );
    const freePort = async () => new URL(await closedPortUrl()).port;
    const [port, botAdminPort, workerAdminPort] = [await freePort(), await freePort(), await freePort()];
    const env = {
      SLACK_BOT_TOKEN: 'xoxb-pack-test',
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_API_URL: standIn.apiUrl,
      DATABASE_URL: databaseUrl.toString(),
      REDIS_URL: inject('redisUrl'),
      QUEUE_PREFIX: `rtpack${randomBytes(3).toString('hex')}`,
      READINESS_CONFIG: configPath,
      PORT: port,
      LOG_LEVEL: 'warn',
    };
    const output: string[] = [];
    // The production commands as the installed package states them (`npm start`, `npm run worker`): plain node,
    // its V8 flags, the compiled entry; no loader.
    const { scripts } = JSON.parse(await readFile(join(pkg, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const start = (script: 'start' | 'worker', adminPort: string) => {
      const [node, ...args] = (scripts[script] ?? '').split(' ');
      expect(node).toBe('node');
      const child = spawn(
        process.execPath,
        args.map((arg) => (arg.startsWith('dist/') ? join(pkg, arg) : arg)),
        {
          cwd: app,
          env: { ...baseEnv, ...env, ADMIN_PORT: adminPort },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      started.push(child);
      return child;
    };
    const bot = start('start', botAdminPort);
    const worker = start('worker', workerAdminPort);

    for (const adminPort of [botAdminPort, workerAdminPort]) {
      const ready = await until(
        () =>
          fetch(`http://127.0.0.1:${adminPort}/readyz`).then(
            (r) => r.status === 200 && r,
            () => undefined,
          ),
        60_000,
      ).catch((error: Error) => {
        throw new Error(`${error.message}; process output:\n${output.join('')}`);
      });
      expect(await ready.json()).toEqual({ ready: true, dependencies: { postgres: 'ok', redis: 'ok' } });
    }

    const ack = await standIn.sendSlashCommand(`http://127.0.0.1:${port}/slack/events`, {
      text: 'run example-api staging',
      userId: 'U0PACK',
      channelId: 'C0PACK',
    });
    expect(ack.status).toBe(200);
    await standIn.waitFor(() => standIn.messages('C0PACK').find((message) => message.text === 'Readiness example-api → staging: GO'), 60_000);

    const assessed = await run(process.execPath, [cli, 'assess', '--service', 'example-api', '--env', 'staging', '--config', configPath], {
      cwd: app,
    });
    expect(assessed.code, assessed.stderr).toBe(0);
    expect(assessed.stdout).toMatch(/^Readiness of example-api in staging: GO \(score 100\.0\/100/);
    const validated = await run(process.execPath, [cli, 'config', 'validate', '--config', join(pkg, 'examples', 'readiness.yaml')], { cwd: app });
    expect(validated.code, validated.stderr).toBe(0);

    bot.kill('SIGTERM');
    worker.kill('SIGTERM');
    expect(await exited(bot)).toBe(0);
    expect(await exited(worker)).toBe(0);
    expect(output.join('')).not.toMatch(/^\s+at /m);
  });
});
