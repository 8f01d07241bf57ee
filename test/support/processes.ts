import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../src/shared/paths.ts';

export type EntryProcess = ChildProcess & { output: () => string };

/** Resolves with the signal that ended the process, or else its exit code; at once if it has already ended. */
export const exited = (child: ChildProcess) =>
  new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.exitCode !== null || child.signalCode !== null
      ? resolve(child.signalCode ?? child.exitCode)
      : child.once('exit', (code, signal) => resolve(signal ?? code)),
  );

/** Entry points of src/main started as OS processes, remembered so `killAll` can reap what a failed test left running. */
export function entryProcesses() {
  const children: ChildProcess[] = [];
  return {
    /**
     * Starts `src/main/<entry>` as `npm start` and `npm run worker` do: Node itself with tsx's loader, one process,
     * so a signal reaches the code under test (tsx's own CLI relays signals to a child, and SIGKILLs one that has
     * not confirmed a signal within 30 ms, skipping the graceful stop). Only PATH, HOME and `env` are in its
     * environment, so nothing of the test runner's own leaks in. Stdout and stderr are collected for `output()`.
     * The admin listener takes a free port unless `env` names one, so processes of parallel test files never collide.
     */
    start(entry: string, env: Record<string, string>): EntryProcess {
      const file = join(projectRoot, 'src', 'main', entry);
      const child = spawn(process.execPath, ['--import', 'tsx', file], {
        cwd: projectRoot,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ADMIN_PORT: '0', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      children.push(child);
      return Object.assign(child, { output: () => output });
    },

    async killAll(): Promise<void> {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await Promise.all(children.map(exited));
    },
  };
}

/**
 * How long a process may take to start serving. A fresh `node --import tsx` of src/main compiles the whole project:
 * about 2 s on a quiet 2-core machine, over 20 s at a load average of 15. The bound only catches a process that
 * hangs; one that exits is reported at once by `untilServing`.
 */
export const PROCESS_START_BOUND_MS = 120_000;

/**
 * Polls `probe` until it returns a value, and fails at once, with the process's output, if `child` exits first:
 * a start-up wait that depends on the process, not on how fast this machine is today.
 */
export async function untilServing<T>(child: EntryProcess, probe: () => Promise<T | undefined | null | false>, what: string): Promise<T> {
  const deadline = Date.now() + PROCESS_START_BOUND_MS;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${what}: the process exited (${child.signalCode ?? child.exitCode}) before it served\n${child.output()}`);
    if (Date.now() > deadline) throw new Error(`${what}: not serving within ${PROCESS_START_BOUND_MS} ms\n${child.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
