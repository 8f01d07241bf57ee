import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A port nothing listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Polls `probe` until it holds; a chaos scenario waits on state, never on a fixed sleep. */
export async function waitFor(probe: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await probe()) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}

/** Runs a command as the `postgres` user when we are root (initdb and postgres refuse to run as root). */
async function asPostgres(command: string, args: string[]): Promise<void> {
  if (process.getuid?.() === 0) await run('runuser', ['-u', 'postgres', '--', command, ...args]);
  else await run(command, args);
}

export interface PrivatePostgres {
  /** postgresql://postgres@127.0.0.1:<port>/postgres; name another database in the path. */
  url(database: string): string;
  port: number;
  /** `pg_ctl stop -m immediate`: connections drop at once, as when the server is killed. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it for good and removes its data directory. */
  destroy(): Promise<void>;
}

/**
 * A PostgreSQL server of the scenario's own (initdb + pg_ctl on a free port, trust auth), so stopping it disturbs
 * nothing else on the machine.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dir = await mkdtemp(join(tmpdir(), 'readiness-chaos-pg-'));
  await chmod(dir, 0o777);
  const data = join(dir, 'data');
  const port = await freePort();
  await asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  const start = () => asPostgres('pg_ctl', ['-D', data, '-o', options, '-w', '-l', join(dir, 'log'), 'start']);
  const stop = () => asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
  await start();
  return {
    port,
    url: (database) => `postgresql://postgres@127.0.0.1:${port}/${database}`,
    start,
    stop,
    async destroy() {
      await stop().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface PrivateRedis {
  url: string;
  port: number;
  /** SIGKILL: whatever was not persisted is gone. */
  kill(): Promise<void>;
  /** Starts it again on the same port and directory (with AOF, it reloads what it had written). */
  start(): Promise<void>;
  destroy(): Promise<void>;
}

/** A Redis server of the scenario's own on a free port, with AOF (`appendfsync always`) or no persistence at all. */
export async function startPrivateRedis(options: { persistence: 'aof' | 'none' }): Promise<PrivateRedis> {
  const dir = await mkdtemp(join(tmpdir(), 'readiness-chaos-redis-'));
  const port = await freePort();
  const persistence = options.persistence === 'aof' ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
  let child: ChildProcess | undefined;
  const url = `redis://127.0.0.1:${port}`;
  async function start(): Promise<void> {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', ...persistence], {
      stdio: 'ignore',
    });
    await waitFor(
      async () =>
        await run('redis-cli', ['-p', String(port), 'ping']).then(
          ({ stdout }) => stdout.trim() === 'PONG',
          () => false,
        ),
      10_000,
      `redis-server on ${port}`,
    );
  }
  async function kill(): Promise<void> {
    const running = child;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  }
  await start();
  return {
    url,
    port,
    kill,
    start,
    async destroy() {
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
