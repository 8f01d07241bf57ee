import { describe, expect, it } from 'vitest';
import { lookupJsonPath, parseJsonPath } from '../../../src/checks/json-path.ts';

describe('JSON paths in http checks', () => {
  it.each([
    ['$.status', ['status']],
    ['status', ['status']],
    ['$.checks.db.up', ['checks', 'db', 'up']],
    ['items[0].name', ['items', 0, 'name']],
    ['$["odd key"].x', ['odd key', 'x']],
    ['$', []],
  ])('parses %s', (path, keys) => {
    expect(parseJsonPath(path)).toEqual(keys);
  });

  it.each(['$..a', 'a.', 'a[x]', '.a', 'a b'])('refuses %s', (path) => {
    expect(parseJsonPath(path)).toBeUndefined();
  });

  it('says where a path stops matching, and never reads inherited properties', () => {
    expect(lookupJsonPath({ a: { b: 1 } }, ['a', 'c'])).toEqual({ found: false, missingAt: '$.a.c' });
    expect(lookupJsonPath({}, ['constructor'])).toEqual({ found: false, missingAt: '$.constructor' });
    expect(lookupJsonPath({ a: [null, { b: false }] }, ['a', 1, 'b'])).toEqual({ found: true, value: false });
  });
});
