import { describe, expect, it } from 'vitest';
import { FaultInjector } from '../../../../tools/slack-stand-in/faults.ts';

const storm = (seed: number) => new FaultInjector({ rateLimitedShare: 0.3, serverErrorShare: 0.1, seed });
const run = (injector: FaultInjector, calls: number) => Array.from({ length: calls }, () => injector.next('chat.postMessage')?.kind ?? 'ok');

describe('the stand-in storm', () => {
  it('fails the same calls for the same seed, and other calls for another', () => {
    expect(run(storm(7), 200)).toEqual(run(storm(7), 200));
    expect(run(storm(7), 200)).not.toEqual(run(storm(8), 200));
  });

  it('answers about the shares asked for', () => {
    const injector = storm(15);
    run(injector, 10_000);
    expect(injector.injected.rate_limited / 10_000).toBeCloseTo(0.3, 1);
    expect(injector.injected.server_error / 10_000).toBeCloseTo(0.1, 1);
  });

  it('is off by default, and never fails an exempt method', () => {
    expect(run(new FaultInjector(), 100).every((kind) => kind === 'ok')).toBe(true);
    const exempting = new FaultInjector({ rateLimitedShare: 1, exempt: ['auth.test'] });
    expect(exempting.next('auth.test')).toBeUndefined();
    expect(exempting.next('chat.update')).toEqual({ kind: 'rate_limited', retryAfterSeconds: 1 });
  });
});
