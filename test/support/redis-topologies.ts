import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { until } from './test-stack.ts';

/*
 * Real Redis Sentinel and Redis Cluster processes (redis-server in its sentinel and cluster modes), started in a
 * temporary directory for one test file and stopped after it. Nothing here is a stand-in: it is Redis.
 */

const portIsFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

/** A port that is free, with its cluster-bus twin (port + 10000) free too. */
async function freeRedisPort(taken: Set<number>): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    if (!taken.has(port) && (await portIsFree(port)) && (await portIsFree(port + 10_000))) {
      taken.add(port);
      return port;
    }
  }
}

export interface RedisProcesses {
  ports: number[];
  close(): Promise<void>;
}

async function startServers(args: (port: number, dir: string) => string[], count: number): Promise<RedisProcesses & { dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'readiness-redis-'));
  const taken = new Set<number>();
  const ports: number[] = [];
  const children: ChildProcess[] = [];
  for (let i = 0; i < count; i++) {
    const port = await freeRedisPort(taken);
    ports.push(port);
    children.push(spawn('redis-server', args(port, dir), { cwd: dir, stdio: 'ignore' }));
  }
  for (const port of ports) {
    await until(async () => {
      const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      // Refused until the server listens: that is what this loop waits out, not an error to report.
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        return (await probe.ping()) === 'PONG';
      } catch {
        return false;
      } finally {
        probe.disconnect();
      }
    }, 20_000);
  }
  return {
    dir,
    ports,
    async close() {
      for (const child of children) child.kill('SIGKILL');
      await Promise.all(
        children.map((child) =>
          child.exitCode !== null || child.signalCode !== null ? undefined : new Promise((resolve) => child.once('exit', resolve)),
        ),
      );
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** One Sentinel watching `master` (the test Redis) under `name`. */
export async function startSentinel(master: { host: string; port: number }, name: string): Promise<RedisProcesses> {
  return startServers((port, dir) => {
    const file = join(dir, `sentinel-${port}.conf`);
    // Sentinel rewrites its config file as it learns, so each gets a writable one of its own.
    writeFileSync(file, [`port ${port}`, 'bind 127.0.0.1', `dir ${dir}`, `sentinel monitor ${name} ${master.host} ${master.port} 1`, ''].join('\n'));
    return [file, '--sentinel'];
  }, 1);
}

/** Three masters, no replicas, every slot assigned: the smallest real Redis Cluster. */
export async function startCluster(): Promise<RedisProcesses> {
  const servers = await startServers(
    (port, dir) => [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      join(dir, `nodes-${port}.conf`),
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
    ],
    3,
  );
  const created = spawnSync(
    'redis-cli',
    ['--cluster', 'create', ...servers.ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', '0', '--cluster-yes'],
    { encoding: 'utf8' },
  );
  if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
  for (const port of servers.ports) {
    await until(async () => {
      const node = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0 });
      node.on('error', () => undefined);
      try {
        return String(await node.cluster('INFO')).includes('cluster_state:ok');
      } finally {
        node.disconnect();
      }
    }, 30_000);
  }
  return servers;
}
