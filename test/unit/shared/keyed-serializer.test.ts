import { describe, expect, it } from 'vitest';
import { createKeyedSerializer } from '../../../src/shared/keyed-serializer.ts';

/** A task that runs until the test lets it finish. */
function gate() {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

describe('createKeyedSerializer', () => {
  it('runs tasks of one key one after the other, in arrival order, and other keys alongside', async () => {
    const serial = createKeyedSerializer();
    const order: string[] = [];
    const first = gate();
    const a1 = serial.run('a', async () => {
      order.push('a1 start');
      await first.opened;
      order.push('a1 end');
    });
    const a2 = serial.run('a', async () => {
      order.push('a2');
    });
    const b1 = serial.run('b', async () => {
      order.push('b1');
    });
    await b1;
    // b ran while a1 was still waiting; a2 has not started.
    expect(order).toEqual(['a1 start', 'b1']);
    first.open();
    await Promise.all([a1, a2]);
    expect(order).toEqual(['a1 start', 'b1', 'a1 end', 'a2']);
    // The clean-up runs a few microtasks after the last task: let them run.
    await new Promise((resolve) => setImmediate(resolve));
    expect(serial.size).toBe(0);
  });

  it('goes on to the next task after one fails, and hands each caller its own result', async () => {
    const serial = createKeyedSerializer();
    const failed = serial.run('a', async () => {
      throw new Error('boom');
    });
    const next = serial.run('a', async () => 42);
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe(42);
  });
});
