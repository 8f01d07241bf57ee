import { describe, expect, it } from 'vitest';
import { repeatWithoutOverlap } from '../../../src/shared/repeat.ts';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('repeatWithoutOverlap', () => {
  it('runs at once, then again only after the previous run finished, however slow it is', async () => {
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    const loop = repeatWithoutOverlap(
      async () => {
        runs += 1;
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        await tick(30); // three times the interval
        running -= 1;
      },
      10,
      () => undefined,
    );
    expect(runs).toBe(0);
    await tick(0);
    expect(runs).toBe(1);
    await tick(150);
    await loop.stop();
    expect(maxRunning).toBe(1);
    expect(runs).toBeGreaterThanOrEqual(2);
    expect(running).toBe(0);
  });

  it('hands a failing run to onError and keeps going; stop waits for the run in progress and ends the loop', async () => {
    const errors: unknown[] = [];
    let runs = 0;
    let finished = 0;
    const loop = repeatWithoutOverlap(
      async () => {
        runs += 1;
        if (runs === 1) throw new Error('database away');
        await tick(20);
        finished += 1;
      },
      5,
      (error) => errors.push(error),
    );
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (runs < 2) return;
        clearInterval(poll);
        resolve();
      }, 1);
    });
    await loop.stop();
    expect(errors).toEqual([new Error('database away')]);
    // The run that was in progress when stop was called had finished by the time stop resolved.
    expect(finished).toBe(runs - 1);
    const after = runs;
    await tick(40);
    expect(runs).toBe(after);
  });

  it('runSoon runs at once instead of after the interval, and once more after a run in progress, never two at a time', async () => {
    let runs = 0;
    let running = 0;
    let maxRunning = 0;
    let release: (() => void) | undefined;
    const loop = repeatWithoutOverlap(
      async () => {
        runs += 1;
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        running -= 1;
      },
      3_600_000,
      () => undefined,
    );
    await tick(0);
    expect(runs).toBe(1);
    loop.runSoon();
    loop.runSoon();
    release?.();
    await tick(10);
    // Asked twice while running: one more run, right after, not an hour later.
    expect(runs).toBe(2);
    release?.();
    await tick(10);
    expect(runs).toBe(2);
    loop.runSoon();
    await tick(0);
    expect(runs).toBe(3);
    release?.();
    await loop.stop();
    expect(maxRunning).toBe(1);
  });
});
