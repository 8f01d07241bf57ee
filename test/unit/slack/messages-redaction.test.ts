import { describe, expect, it } from 'vitest';
import { messages } from '../../../src/slack/messages.ts';

describe('messages.unavailable', () => {
  it("never shows the credentials a driver's error text carries", () => {
    const text = messages.unavailable('database', 'connect ECONNREFUSED postgresql://readiness:pa55-w0rd-x@db.internal:5432/readiness');
    expect(text).toContain('db.internal');
    expect(text).not.toContain('pa55-w0rd-x');
  });
});
