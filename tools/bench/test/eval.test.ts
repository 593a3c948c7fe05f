// The pure helpers behind `pnpm bench eval`: subset selection and throughput figures.
import { describe, expect, it } from 'vitest';
import { measurement, spread } from '../src/eval.js';

describe('bench eval helpers', () => {
  it('spreads a subset evenly over a class-sorted listing', () => {
    const items = Array.from({ length: 10 }, (_, i) => i);
    expect(spread(items, 5)).toEqual([0, 2, 4, 6, 8]);
    expect(spread(items, 3)).toEqual([0, 3, 6]);
    expect(spread(items, 20)).toEqual(items);
  });
  it('reports images/s, CPU ms per image and RSS from raw counts', () => {
    expect(measurement('x', 64, 2, 0.8, 300.4)).toEqual({
      name: 'x',
      images: 64,
      seconds: 2,
      imagesPerSecond: 32,
      cpuMsPerImage: 12.5,
      peakRssMB: 300,
    });
    expect(() => measurement('x', 0, 1, 1, 1)).toThrow(/x: nothing was measured/);
  });
});
