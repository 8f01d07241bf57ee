import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../src/shared/paths.ts';

export type CliResult = { code: number | null; stdout: string; stderr: string };

/** `readiness …` as a pipeline starts it: its own process, only PATH and `env` in its environment. */
export function spawnCli(env: Record<string, string>, ...args: string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [join(projectRoot, 'bin', 'readiness.mjs'), ...args], { env: { PATH: process.env.PATH ?? '', ...env } });
}

/** Runs `readiness …` to the end and collects what it printed and its exit code. */
export function runCli(env: Record<string, string>, ...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawnCli(env, ...args);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    // `close`, not `exit`: the output streams have ended by then, so nothing printed last is missed.
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
