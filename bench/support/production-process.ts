import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { projectRoot } from '../../src/shared/paths.ts';
import { pollUntil } from './harness.ts';

/** A port nothing listens on right now (the OS picks it), so parallel runs on one machine never collide. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** `npm run build`: the production entries run from dist/. Returns false when the build failed. */
export function buildDist(): boolean {
  return spawnSync('npm', ['run', 'build', '--silent'], { cwd: projectRoot, stdio: 'inherit' }).status === 0;
}

/**
 * The production command as package.json runs it (`npm start`, `npm run worker`): plain node, its flags, dist/.
 * Throws when the script is not of that shape, so a bench never silently measures something else.
 */
export function productionArgs(script: 'start' | 'worker'): string[] {
  const scripts = (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const [node, ...args] = (scripts[script] ?? '').split(' ').filter(Boolean);
  if (node !== 'node' || !args.at(-1)?.startsWith('dist/')) throw new Error(`npm run ${script} is not "node [flags] dist/…": ${scripts[script]}`);
  return args.map((arg) => (arg.startsWith('dist/') ? join(projectRoot, arg) : arg));
}

/**
 * Starts `node <production flags> <extraFlags> dist/…` with exactly `env` (plus PATH and HOME): a flag given again
 * after the production ones overrides it, so a bench can try a setting.
 */
export function spawnProduction(script: 'start' | 'worker', env: Record<string, string>, extraFlags: string[] = []): ChildProcess {
  const args = productionArgs(script);
  return spawn(process.execPath, [...args.slice(0, -1), ...extraFlags, ...args.slice(-1)], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** Waits until a process's admin listener answers /readyz with 200; false after `timeoutMs`. */
export async function waitReady(adminPort: number, timeoutMs = 60_000): Promise<boolean> {
  const ready = await pollUntil(
    () =>
      fetch(`http://127.0.0.1:${adminPort}/readyz`).then(
        (r) => r.status,
        () => 0,
      ),
    (status) => status === 200,
    Date.now() + timeoutMs,
    200,
  );
  return ready.reached;
}

/** SIGTERM, then wait for the exit (a profiled process writes its profile on the way out). */
export async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
