import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAckGate } from '../../../src/shared/ack-gate.ts';
import { createLimiter } from '../../../src/shared/limiter.ts';

afterEach(() => {
  vi.useRealTimers();
});

const settled = async (promise: Promise<unknown>) => {
  let done = false;
  void promise.then(() => {
    done = true;
  });
  // Let resolved promises run their callbacks.
  for (let i = 0; i < 5; i++) await Promise.resolve();
  return done;
};

describe('ack gate', () => {
  it('holds follow-up work while a request waits for its ack, and lets it go once every request is answered', async () => {
    const gate = createAckGate();
    const first = gate.begin();
    const second = gate.begin();
    const quiet = gate.quiet(60_000);
    expect(await settled(quiet)).toBe(false);
    first();
    first(); // answered twice (finish, then close): counted once
    expect(gate.pending).toBe(1);
    expect(await settled(quiet)).toBe(false);
    second();
    expect(await settled(quiet)).toBe(true);
    expect(await settled(gate.quiet(60_000))).toBe(true);
  });

  it('never holds work longer than its bound, and stops holding while requests keep coming', async () => {
    vi.useFakeTimers();
    const gate = createAckGate();
    gate.begin();
    const quiet = gate.quiet(2000);
    vi.advanceTimersByTime(1999);
    expect(await settled(quiet)).toBe(false);
    vi.advanceTimersByTime(1);
    expect(await settled(quiet)).toBe(true);
    // Still a request pending after the bound: a stream, not a burst. The next work does not wait again.
    expect(await settled(gate.quiet(2000))).toBe(true);
  });

  it('a limiter given the gate starts no task until the acks are out, then runs them in order', async () => {
    const gate = createAckGate();
    const limit = createLimiter(2, { waitFor: () => gate.quiet(60_000) });
    const answered = [gate.begin(), gate.begin()];
    const started: number[] = [];
    const tasks = [1, 2, 3].map((n) => limit(async () => void started.push(n)));
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([]);
    for (const answer of answered) answer();
    await Promise.all(tasks);
    expect(started).toEqual([1, 2, 3]);
  });

  it('a task waiting for the gate holds no slot: one whose wait ended runs while another still waits', async () => {
    // Each task's wait is released by hand: the first one's is held (a request still owed its ack, for all it knows).
    const releases: (() => void)[] = [];
    const limit = createLimiter(1, { waitFor: () => new Promise<void>((resolve) => releases.push(resolve)) });
    const started: number[] = [];
    const first = limit(async () => void started.push(1));
    const second = limit(async () => void started.push(2));
    // Both are waiting for the gate at once (a limiter that took the slot first would leave the second unasked).
    for (let i = 0; releases.length < 2 && i < 1000; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(releases).toHaveLength(2);
    releases[1]?.();
    await second;
    expect(started).toEqual([2]);
    releases[0]?.();
    await first;
    expect(started).toEqual([2, 1]);
  });
});
