import { describe, expect, it } from 'vitest';
import { quantPerturbation } from '../src/index.js';

/** ‖W − Q_b(W)‖² per HAWQ's description, written out independently in float64. */
function naive(w: Float32Array, channels: number, bits: number): number {
  const n = 2 ** (bits - 1) - 1;
  const per = w.length / channels;
  let sum = 0;
  for (let c = 0; c < channels; c++) {
    const row = Array.from(w.subarray(c * per, (c + 1) * per));
    const s = Math.max(Math.max(...row.map(Math.abs)), 1e-8) / n;
    for (const x of row) {
      const q = Math.min(Math.max(Math.round(x / s), -n - 1), n);
      sum += (x - q * s) ** 2;
    }
  }
  return sum;
}

describe('quantPerturbation', () => {
  const w = Float32Array.from(
    { length: 4 * 18 },
    (_, i) => Math.sin(i * 1.7) * (1 + (i % 4)) * 0.1,
  );

  it('matches a direct per-channel symmetric quantization at 4 and 8 bits', () => {
    for (const bits of [4, 8]) {
      const got = quantPerturbation(w, 4, bits);
      expect(got).toBeGreaterThan(0);
      expect(Math.abs(got - naive(w, 4, bits)) / naive(w, 4, bits)).toBeLessThan(1e-5);
    }
  });

  it('is per channel: scaling one channel scales only its share', () => {
    const scaled = Float32Array.from(w, (x, i) => (i < 18 ? x * 4 : x));
    const first = (v: Float32Array) => quantPerturbation(v.subarray(0, 18), 1, 4);
    const rest = quantPerturbation(w.subarray(18), 3, 4);
    expect(quantPerturbation(scaled, 4, 4)).toBeCloseTo(16 * first(w) + rest, 6);
  });

  it('8 bits perturbs ~(127/7)² ≈ 330× less than 4 bits on smooth weights', () => {
    const ratio = quantPerturbation(w, 4, 4) / quantPerturbation(w, 4, 8);
    expect(ratio).toBeGreaterThan(100);
    expect(ratio).toBeLessThan(1000);
  });

  it('is 0 for weights already on the grid', () => {
    expect(quantPerturbation(Float32Array.from([-7, -3, 0, 7, 1, 2]), 1, 4)).toBe(0);
  });
});
