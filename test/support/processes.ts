import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../src/shared/paths.ts';

/**
 * How an entry file is run. `tsx-cli` is what `npm start` and `npm run worker` do; the CLI runs the entry in a
 * child of its own, which a SIGKILL of the CLI would leave running. `node-loader` is Node itself with tsx's
 * loader: one process, so a signal reaches the code under test.
 */
export type Launcher = 'tsx-cli' | 'node-loader';

export type EntryProcess = ChildProcess & { output: () => string };

/** Resolves with the signal that ended the process, or else its exit code; at once if it has already ended. */
export const exited = (child: ChildProcess) =>
  new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve(child.signalCode ?? child.exitCode) : child.once('exit', (code, signal) => resolve(signal ?? code)),
  );

/** Entry points of src/main started as OS processes, remembered so `killAll` can reap what a failed test left running. */
export function entryProcesses() {
  const children: ChildProcess[] = [];
  return {
    /**
     * Starts `src/main/<entry>` with only PATH, HOME and `env` in its environment, so nothing of the test
     * runner's own environment leaks in. Stdout and stderr are collected for `output()`.
     * @param launcher - `'tsx-cli'` unless a signal must reach the entry itself.
     */
    start(entry: string, env: Record<string, string>, launcher: Launcher = 'tsx-cli'): EntryProcess {
      const file = join(projectRoot, 'src', 'main', entry);
      const [command, args] =
        launcher === 'tsx-cli' ? [join(projectRoot, 'node_modules', '.bin', 'tsx'), [file]] : [process.execPath, ['--import', 'tsx', file]];
      const child = spawn(command, args, {
        cwd: projectRoot,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
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
