import { describe, expect, it } from 'vitest';
import { compare, judgeValue, type Comparator } from '../../../src/checks/specs/prometheus.ts';

describe('compare', () => {
  it.each<[number, Comparator, number, boolean]>([
    [1, '<', 2, true],
    [2, '<', 2, false],
    [3, '<', 2, false],
    [1, '<=', 2, true],
    [2, '<=', 2, true],
    [3, '<=', 2, false],
    [3, '>', 2, true],
    [2, '>', 2, false],
    [1, '>', 2, false],
    [3, '>=', 2, true],
    [2, '>=', 2, true],
    [1, '>=', 2, false],
    [2, '==', 2, true],
    [2.0000001, '==', 2, false],
    [-1, '<', 0, true],
  ])('%s %s %s is %s', (value, comparator, threshold, expected) => {
    expect(compare(value, comparator, threshold)).toBe(expected);
  });

  it('holds no comparison for NaN', () => {
    for (const comparator of ['<', '<=', '>', '>=', '=='] as const) expect(compare(Number.NaN, comparator, 0)).toBe(false);
  });
});

describe('judgeValue', () => {
  it('judges an error rate that must stay low (comparator <, warn 0.01, fail 0.05)', () => {
    expect(judgeValue(0.005, '<', 0.05, 0.01)).toBe('PASS');
    expect(judgeValue(0.02, '<', 0.05, 0.01)).toBe('WARN');
    expect(judgeValue(0.07, '<', 0.05, 0.01)).toBe('FAIL');
  });

  it('treats the bounds themselves by the comparator: strict comparators exclude them', () => {
    expect(judgeValue(0.01, '<', 0.05, 0.01)).toBe('WARN');
    expect(judgeValue(0.05, '<', 0.05, 0.01)).toBe('FAIL');
    expect(judgeValue(0.01, '<=', 0.05, 0.01)).toBe('PASS');
    expect(judgeValue(0.05, '<=', 0.05, 0.01)).toBe('WARN');
  });

  it('judges a value that must stay high (availability: comparator >=, warn 0.999, fail 0.99)', () => {
    expect(judgeValue(0.9995, '>=', 0.99, 0.999)).toBe('PASS');
    expect(judgeValue(0.999, '>=', 0.99, 0.999)).toBe('PASS');
    expect(judgeValue(0.995, '>=', 0.99, 0.999)).toBe('WARN');
    expect(judgeValue(0.98, '>=', 0.99, 0.999)).toBe('FAIL');
    expect(judgeValue(3, '>', 2)).toBe('PASS');
    expect(judgeValue(2, '>', 2)).toBe('FAIL');
  });

  it('never warns without a warn bound', () => {
    expect(judgeValue(0.049, '<', 0.05)).toBe('PASS');
    expect(judgeValue(0.05, '<', 0.05)).toBe('FAIL');
  });

  it('passes an exact match with ==, and fails anything else', () => {
    expect(judgeValue(3, '==', 3)).toBe('PASS');
    expect(judgeValue(2, '==', 3)).toBe('FAIL');
  });

  it('fails NaN, which satisfies no bound', () => {
    expect(judgeValue(Number.NaN, '<', 1)).toBe('FAIL');
  });
});
