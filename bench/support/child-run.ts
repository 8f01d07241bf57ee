// Running one bench or chaos scenario as a process of its own and reading the JSON it wrote, for the runners that
// run several one after the other (`npm run bench`, `npm run chaos`): each measures a machine the others have left.
import { spawn } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';

export interface ChildRun {
  /** The exit code, or null when a signal ended it. */
  code: number | null;
  signal: NodeJS.Signals | null;
  ms: number;
  timedOut: boolean;
}

/**
 * `node --import tsx <file> <args>`, output on this terminal, in a process group of its own so that a timeout (or
 * Ctrl-C here) ends what it started too (worker processes, a private redis-server), not just the file's process.
 */
export function runTsFile(file: string, args: readonly string[], options: { timeoutMs?: number } = {}): Promise<ChildRun> {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], { stdio: 'inherit', detached: true });
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
  };
  let timedOut = false;
  const timer =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          signalGroup('SIGTERM');
          // What ignores SIGTERM for 10 s is killed.
          setTimeout(() => signalGroup('SIGKILL'), 10_000).unref();
        }, options.timeoutMs);
  const forward = (signal: NodeJS.Signals) => {
    signalGroup(signal);
    process.exitCode = 130;
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise((resolve) => {
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve({ code, signal, ms: Date.now() - started, timedOut });
    };
    child.once('exit', finish);
    child.once('error', () => finish(null, null));
  });
}

/**
 * The JSON at `path` if it was written at or after `sinceMs`, else undefined: a result left by an earlier run must
 * not stand in for a run that crashed before writing its own.
 */
export async function readJsonWrittenSince(path: string, sinceMs: number): Promise<unknown> {
  try {
    // mtime has a coarser resolution than Date.now() on some file systems.
    if ((await stat(path)).mtimeMs < sinceMs - 1000) return undefined;
    return JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** How a child that wrote no result ended, in a few words for a table row. */
export function describeEnd(run: ChildRun): string {
  if (run.timedOut) return `stopped after ${Math.round(run.ms / 1000)} s (timeout)`;
  if (run.signal) return `ended by ${run.signal} after ${Math.round(run.ms / 1000)} s`;
  return `exited ${run.code} after ${Math.round(run.ms / 1000)} s without writing its result`;
}
