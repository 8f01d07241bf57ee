import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEnd, readJsonWrittenSince, runTsFile } from '../../../bench/support/child-run.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'child-run-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a bench run as a child process', () => {
  it('reads a result written by this run, not one left by an earlier run', async () => {
    const path = join(dir, 'result.json');
    await writeFile(path, '{"passed":true}');
    expect(await readJsonWrittenSince(path, Date.now())).toEqual({ passed: true });
    const anHourAgo = new Date(Date.now() - 3_600_000);
    await utimes(path, anHourAgo, anHourAgo);
    expect(await readJsonWrittenSince(path, Date.now())).toBeUndefined();
    expect(await readJsonWrittenSince(join(dir, 'missing.json'), 0)).toBeUndefined();
  });

  it('reports how a bench that wrote nothing ended', async () => {
    const crashing = join(dir, 'crashing.ts');
    await writeFile(crashing, 'process.exit(3);\n');
    const run = await runTsFile(crashing, []);
    expect([run.code, run.timedOut]).toEqual([3, false]);
    expect(describeEnd(run)).toMatch(/^exited 3 after \d+ s without writing its result$/);
  });

  it('stops a bench that runs past its timeout', async () => {
    const hanging = join(dir, 'hanging.ts');
    await writeFile(hanging, 'setInterval(() => {}, 1000);\n');
    const run = await runTsFile(hanging, [], { timeoutMs: 1500 });
    expect(run.timedOut).toBe(true);
    expect(describeEnd(run)).toMatch(/\(timeout\)$/);
  });
});
