import { describe, expect, it } from 'vitest';
import { oncePerWindow } from '../../../src/queue/once-per-window.ts';

describe('oncePerWindow', () => {
  it('runs the task once per key and window; later calls share it', async () => {
    const windows = oncePerWindow();
    const ran: string[] = [];
    const task = (label: string) => async () => void ran.push(label);
    await Promise.all([windows.once('a1', 7, task('a1@7')), windows.once('a1', 7, task('again')), windows.once('a2', 7, task('a2@7'))]);
    await windows.once('a1', 7, task('later in the window'));
    await windows.once('a1', 8, task('a1@8'));
    expect(ran).toEqual(['a1@7', 'a2@7', 'a1@8']);
  });

  it('hands a failure to every caller that shared it, and tries again on the next call', async () => {
    const windows = oncePerWindow();
    let attempts = 0;
    const flaky = async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('redis away');
    };
    const shared = [windows.once('a1', 7, flaky), windows.once('a1', 7, flaky)];
    await expect(shared[0]).rejects.toThrow('redis away');
    await expect(shared[1]).rejects.toThrow('redis away');
    await windows.once('a1', 7, flaky);
    expect(attempts).toBe(2);
  });
});
