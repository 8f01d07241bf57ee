import { describe, expect, it } from 'vitest';
import { cacheFor } from '../../../src/metrics/cached-render.ts';

/** A computation the test finishes by hand, counting how often it was started. */
function controlled() {
  const pending: ((value: string) => void)[] = [];
  let calls = 0;
  const compute = () => {
    calls += 1;
    return new Promise<string>((resolve) => pending.push(resolve));
  };
  return { compute, calls: () => calls, finish: (value: string) => pending.shift()?.(value) };
}

describe('cacheFor', () => {
  it('computes once for a burst that arrives while it runs, and once more after the window', async () => {
    let now = 1_000;
    const source = controlled();
    const render = cacheFor(source.compute, 5000, () => now);
    const burst = Array.from({ length: 10 }, () => render());
    source.finish('first');
    expect(await Promise.all(burst)).toEqual(Array(10).fill('first'));
    now += 4999;
    expect(await render()).toBe('first');
    expect(source.calls()).toBe(1);
    now += 1;
    const next = render();
    source.finish('second');
    expect(await next).toBe('second');
    expect(source.calls()).toBe(2);
  });

  it('does not keep a failure: the next call computes again', async () => {
    let attempts = 0;
    const render = cacheFor(
      async () => {
        attempts += 1;
        if (attempts === 1) throw new Error('redis down');
        return 'ok';
      },
      5000,
      () => 0,
    );
    await expect(render()).rejects.toThrow('redis down');
    expect(await render()).toBe('ok');
    expect(await render()).toBe('ok');
    expect(attempts).toBe(2);
  });
});
