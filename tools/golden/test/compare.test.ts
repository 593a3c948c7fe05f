import { describe, expect, it } from 'vitest';
import { CheckList, intStats, parseJsonExact, toBigInt } from '../src/index.js';

describe('comparisons', () => {
  it('keeps trace sums beyond 2^53 exact', () => {
    const ref = parseJsonExact(
      '{"sum_sq": 123456789012345678901, "x": 0.1234567890123456789, "n": 5}',
    ) as Record<string, unknown>;
    expect(toBigInt(ref['sum_sq'])).toBe(123456789012345678901n);
    expect(ref['x']).toBe(Number('0.1234567890123456789'));
    expect(ref['n']).toBe(5);
  });
  it('computes trace statistics with BigInt and an int32 LE hash', () => {
    const s = intStats([40000, -40000, 3, 0], [4]);
    expect(s.sum_sq).toBe(3200000009n);
    expect([s.min, s.max, s.nonzero, s.sum]).toEqual([-40000, 40000, 3, 3n]);
    expect(s.sha256_int32_le).toMatch(/^[0-9a-f]{64}$/);
  });
  it('classifies exact, close and DIFFERENT per tensor', () => {
    const l = new CheckList('w');
    l.floatArray('a', [1, 2], [1, 2]);
    l.floatArray('b', [1, 2.00001], [1, 2]);
    l.floatArray('c', [1, 2.1], [1, 2]);
    l.exactArray('d', [1, -0], [1, 0]);
    l.exactArray('e', [1, 3], [1, 2], 'layer3');
    expect(l.checks.map((c) => c.status)).toEqual([
      'exact',
      'close',
      'DIFFERENT',
      'exact',
      'DIFFERENT',
    ]);
    expect(l.checks[4]!.module).toBe('layer3');
  });
  it('compares trace statistics field by field', () => {
    const l = new CheckList('w');
    const s = intStats([1, 2], [2]);
    l.stats('ok', s, { ...s, sum: '3', sum_abs: 3, sum_sq: 5 } as unknown as Record<
      string,
      unknown
    >);
    l.stats('bad', s, { ...s, sum: 4 } as unknown as Record<string, unknown>);
    expect(l.checks.map((c) => c.status)).toEqual(['exact', 'DIFFERENT']);
    expect(l.checks[1]!.detail).toContain('sum 3 vs 4');
  });
});
