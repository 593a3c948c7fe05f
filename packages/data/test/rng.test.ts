import { describe, expect, it } from 'vitest';
import {
  DataOptionError,
  dataPercentageSubset,
  mixSeed,
  Rng,
  subsetIndices,
  subsetSize,
} from '../src/index.js';

describe('Rng', () => {
  it('is reproducible and separates streams', () => {
    const a = new Rng(42, 1);
    const b = new Rng(42, 1);
    const c = new Rng(42, 2);
    const xs = Array.from({ length: 5 }, () => a.uint32());
    expect(Array.from({ length: 5 }, () => b.uint32())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.uint32())).not.toEqual(xs);
    expect(
      new Set([mixSeed(0), mixSeed(1), mixSeed(0, 0), mixSeed(0, 1), mixSeed(2 ** 40)]).size,
    ).toBe(5);
  });

  it('draws floats, ranges and permutations within bounds', () => {
    const r = new Rng(3);
    const counts = new Array(4).fill(0);
    for (let i = 0; i < 4000; i++) {
      const u = r.float32();
      expect(u >= 0 && u < 1 && Math.fround(u) === u).toBe(true);
      const v = r.uniform(0.08, 1);
      expect(v >= Math.fround(0.08) && v < 1).toBe(true);
      counts[r.int(3, 7) - 3]++;
    }
    for (const c of counts) expect(c).toBeGreaterThan(850);
    const p = r.permutation(1000);
    expect([...p].sort((x, y) => x - y)).toEqual([...Array(1000).keys()]);
    expect([...p.slice(0, 10)]).not.toEqual([...Array(10).keys()]);
  });
});

describe('--data-percentage subsets', () => {
  it('keeps int(N * p) samples, fixed by the seed', () => {
    expect(subsetSize(1_281_167, 0.0001)).toBe(128);
    expect(subsetSize(10, 0.35)).toBe(3);
    const a = subsetIndices(1000, 0.1, 5);
    expect(a.length).toBe(100);
    expect(new Set(a).size).toBe(100);
    expect([...subsetIndices(1000, 0.1, 5)]).toEqual([...a]);
    expect([...subsetIndices(1000, 0.1, 6)]).not.toEqual([...a]);
    expect([...subsetIndices(5, 1, 9)]).toEqual([0, 1, 2, 3, 4]);
    expect(dataPercentageSubset(['a', 'b', 'c', 'd'], 0.5, 1)).toHaveLength(2);
  });

  it('rejects percentages outside (0, 1] and empty subsets', () => {
    expect(() => subsetSize(10, 0)).toThrow(DataOptionError);
    expect(() => subsetSize(10, 1.5)).toThrow(/--data-percentage/);
    expect(() => subsetIndices(10, 0.05, 1)).toThrow(/keeps none/);
  });
});
