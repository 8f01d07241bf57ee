import { describe, expect, it } from 'vitest';
import { createKeyedBatcher, WithdrawnError } from '../../../src/shared/keyed-batcher.ts';

/** A load the test finishes by hand, recording what each call was asked for. */
function controlledLoad() {
  const calls: { key: string; items: readonly string[]; round: number; finish: (error?: Error) => void }[] = [];
  const load = (key: string, items: readonly string[], round: number) =>
    new Promise<string[]>((resolve, reject) => {
      calls.push({ key, items, round, finish: (error) => (error ? reject(error) : resolve(items.map((item) => `${key}:${item}`))) });
    });
  return { calls, load };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('createKeyedBatcher', () => {
  it('sends a lone request at once', async () => {
    const { calls, load } = controlledLoad();
    const request = createKeyedBatcher(load);
    const answer = request('a1', 'x');
    expect(calls.map((call) => call.items)).toEqual([['x']]);
    calls[0]?.finish();
    expect(await answer).toBe('a1:x');
  });

  it('gathers the requests made while a load runs into one next load, in order', async () => {
    const { calls, load } = controlledLoad();
    const request = createKeyedBatcher(load);
    const first = request('a1', 'x');
    const later = ['y', 'z', 'y'].map((item) => request('a1', item));
    expect(calls).toHaveLength(1);
    calls[0]?.finish();
    await settle();
    expect(calls.map((call) => [call.items, call.round])).toEqual([
      [['x'], 0],
      [['y', 'z', 'y'], 1],
    ]);
    calls[1]?.finish();
    expect(await Promise.all([first, ...later])).toEqual(['a1:x', 'a1:y', 'a1:z', 'a1:y']);
  });

  it('loads different keys independently and starts counting rounds again once a key is idle', async () => {
    const { calls, load } = controlledLoad();
    const request = createKeyedBatcher(load);
    const answers = [request('a1', 'x'), request('a2', 'x')];
    expect(calls.map((call) => call.key)).toEqual(['a1', 'a2']);
    for (const call of calls) call.finish();
    expect(await Promise.all(answers)).toEqual(['a1:x', 'a2:x']);
    const again = request('a1', 'w');
    expect(calls[2]).toMatchObject({ key: 'a1', items: ['w'], round: 0 });
    calls[2]?.finish();
    await again;
  });

  it('rejects every request of a failed load, and the next load is tried afresh', async () => {
    const { calls, load } = controlledLoad();
    const request = createKeyedBatcher(load);
    const failing = [request('a1', 'x'), request('a1', 'y')];
    calls[0]?.finish(new Error('database away'));
    await expect(failing[0]).rejects.toThrow('database away');
    await settle();
    calls[1]?.finish(new Error('still away'));
    await expect(failing[1]).rejects.toThrow('still away');
    const retried = request('a1', 'x');
    calls[2]?.finish();
    expect(await retried).toBe('a1:x');
  });

  it('with a concurrency above one, runs that many loads of a key side by side before gathering the rest', async () => {
    const { calls, load } = controlledLoad();
    const request = createKeyedBatcher(load, { concurrency: 2 });
    const answers = ['a', 'b', 'c', 'd'].map((item) => request('a1', item));
    expect(calls.map((call) => call.items)).toEqual([['a'], ['b']]);
    calls[1]?.finish();
    await settle();
    expect(calls.map((call) => [call.items, call.round])).toEqual([
      [['a'], 0],
      [['b'], 1],
      [['c', 'd'], 2],
    ]);
    calls[0]?.finish();
    calls[2]?.finish();
    expect(await Promise.all(answers)).toEqual(['a1:a', 'a1:b', 'a1:c', 'a1:d']);
  });

  it('rejects rather than guessing when a load answers the wrong number of results', async () => {
    const request = createKeyedBatcher(async (_key, items: readonly string[]) => items.slice(1));
    const [lone, a, b] = [request('a1', 'x'), request('a1', 'y'), request('a1', 'z')];
    await expect(lone).rejects.toThrow('answered 0 results for 1 items');
    await expect(a).rejects.toThrow('answered 1 results for 2 items');
    await expect(b).rejects.toThrow('answered 1 results for 2 items');
  });

  it('a load that does not answer in time fails its requests, and the next load goes out without waiting for it', async () => {
    const { calls, load } = controlledLoad();
    const request = createKeyedBatcher(load, { timeoutMs: 50 });
    const hung = request('a1', 'x');
    const next = request('a1', 'y');
    expect(calls).toHaveLength(1);
    await expect(hung).rejects.toThrow('no answer within 50 ms');
    await settle();
    expect(calls.map((call) => call.items)).toEqual([['x'], ['y']]);
    calls[1]?.finish();
    expect(await next).toBe('a1:y');
    // The hung load answering late changes nothing.
    calls[0]?.finish();
  });

  it('puts at most maxBatch items in one load', async () => {
    const { calls, load } = controlledLoad();
    const request = createKeyedBatcher(load, { maxBatch: 2 });
    const answers = ['a', 'b', 'c', 'd', 'e'].map((item) => request('k', item));
    for (let i = 0; i < 3; i++) {
      calls[i]?.finish();
      await settle();
    }
    expect(calls.map((call) => call.items)).toEqual([['a'], ['b', 'c'], ['d', 'e']]);
    expect(await Promise.all(answers)).toHaveLength(5);
  });

  it('takes back a request still waiting for a load, and only that: one already in a load is beyond recall', async () => {
    const { calls, load } = controlledLoad();
    const request = createKeyedBatcher(load);
    const sent = request('a1', 'x');
    const waiting = ['y', 'z'].map((item) => request('a1', item));
    expect(request.withdraw('a1', (item) => item === 'x' || item === 'y')).toBe(1);
    await expect(waiting[0]).rejects.toBeInstanceOf(WithdrawnError);
    expect(request.withdraw('other', () => true)).toBe(0);
    calls[0]?.finish();
    await settle();
    expect(calls.map((call) => call.items)).toEqual([['x'], ['z']]);
    calls[1]?.finish();
    expect(await Promise.all([sent, waiting[1]])).toEqual(['a1:x', 'a1:z']);
  });
});
