import { describe, expect, it } from 'vitest';
import { basicAuthMatches } from '../../../src/admin/basic-auth.ts';

const expected = { user: 'ops', password: 'correct horse battery staple' };
const header = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;

describe('basicAuthMatches', () => {
  it('accepts exactly the configured user and password, the scheme in any case', () => {
    expect(basicAuthMatches(header('ops:correct horse battery staple'), expected)).toBe(true);
    expect(basicAuthMatches(`basic ${Buffer.from('ops:correct horse battery staple').toString('base64')}`, expected)).toBe(true);
  });

  it('keeps colons in the password (only the first one separates the user)', () => {
    expect(basicAuthMatches(header('ops:a:b:c'), { user: 'ops', password: 'a:b:c' })).toBe(true);
  });

  it.each([
    ['no header', undefined],
    ['another scheme', 'Bearer correct horse battery staple'],
    ['the wrong password', header('ops:correct horse battery')],
    ['the wrong user', header('admin:correct horse battery staple')],
    ['no colon', header('opscorrect horse battery staple')],
    ['not base64', 'Basic !!!'],
    ['an empty credential', header(':')],
  ])('refuses %s', (_what, value) => {
    expect(basicAuthMatches(value, expected)).toBe(false);
  });
});
