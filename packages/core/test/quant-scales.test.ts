import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  asymmetricScale,
  f32,
  percentileMinMax,
  QuantAct,
  quantizeChannels,
  symmetricScale,
  weightScales,
} from '../src/quant/index.js';

describe('activation and weight scales', () => {
  it('symmetric: max(|min|,|max|) / (2^(b-1)-1) in float32, clamped at 1e-8', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(4, 8, 16),
        fc.float({ noNaN: true, min: -100, max: 100 }),
        fc.float({ noNaN: true, min: -100, max: 100 }),
        (bits, a, b) => {
          const m = Math.max(Math.abs(a), Math.abs(b), f32(1e-8));
          expect(symmetricScale(bits, a, b)).toBe(f32(m / (2 ** (bits - 1) - 1)));
        },
      ),
    );
    expect(symmetricScale(8, 0, 0)).toBe(f32(f32(1e-8) / 127));
  });
  it('asymmetric (4-bit unsigned, zero point 0): (max - min) / 15', () => {
    expect(asymmetricScale(4, 0, 7.5)).toBe(f32(7.5 / 15));
    expect(asymmetricScale(4, 1, 1)).toBe(f32(f32(1e-8) / 15));
  });
  it('per-channel scales give all-zero channels the 1e-8 floor and zero integers', () => {
    const w = Float32Array.from([0, 0, 0, 0, 0.5, -1, 0.25, 0]);
    const s = weightScales(w, 2, 8, true);
    expect(s[0]).toBe(f32(f32(1e-8) / 127));
    expect(s[1]).toBe(f32(1 / 127));
    const q = quantizeChannels(w, s, 8);
    expect(Array.from(q.subarray(0, 4)).map((v) => v + 0)).toEqual([0, 0, 0, 0]);
    expect(Array.from(q.subarray(4))).toEqual([64, -127, 32, 0]);
  });
  it('per-tensor scale uses the global range', () => {
    const w = Float32Array.from([0.1, -0.2, 2, 0.3]);
    expect(Array.from(weightScales(w, 2, 8, false))).toEqual([f32(2 / 127)]);
  });
  it('percentile clipping uses kthvalue like HAWQ', () => {
    const v = Float32Array.from({ length: 1000 }, (_, i) => i - 500);
    const [lo, hi] = percentileMinMax(v, 0.1, 99.9);
    expect([lo, hi]).toEqual([-499, 498]);
    expect(percentileMinMax(v, 0, 99)[0]).toBe(0);
  });
});

describe('QuantAct range tracking', () => {
  it('first batch initialises, later batches follow the float32 EMA', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.float({ noNaN: true, min: -10, max: 0 }),
            fc.float({ noNaN: true, min: f32(0.01), max: 10 }),
          ),
          { minLength: 1, maxLength: 6 },
        ),
        (batches) => {
          const a = new QuantAct('a', { activationBit: 8, actRangeMomentum: 0.99 });
          let lo = 0;
          let hi = 0;
          batches.forEach(([bmin, bmax], i) => {
            a.observe(bmin, bmax);
            if (i === 0 || lo === hi) {
              lo = f32(lo + bmin);
              hi = f32(hi + bmax);
            } else {
              lo = f32(f32(lo * f32(0.99)) + f32(bmin * f32(0.01)));
              hi = f32(f32(hi * f32(0.99)) + f32(bmax * f32(0.01)));
            }
          });
          expect([a.xMin, a.xMax]).toEqual([lo, hi]);
        },
      ),
    );
  });
  it('momentum -1 keeps the global min/max', () => {
    const a = new QuantAct('a', { actRangeMomentum: -1 });
    a.observe(-1, 2);
    a.observe(-3, 1);
    a.observe(-2, 5);
    expect([a.xMin, a.xMax]).toEqual([-3, 5]);
  });
  it('4-bit activations switch to unsigned "asymmetric"', () => {
    const a = new QuantAct('a', { activationBit: 8 });
    a.setBits(4);
    expect(a.quantMode).toBe('asymmetric');
    expect(a.bounds()).toEqual([0, 15]);
  });
  it('a frozen quantizer does not move its range', () => {
    const a = new QuantAct('a', { activationBit: 8 });
    a.forwardExact({ shape: [1, 1, 1, 2], data: Float32Array.from([-1, 3]) });
    a.fix();
    a.forwardExact({ shape: [1, 1, 1, 2], data: Float32Array.from([-9, 9]) });
    expect([a.xMin, a.xMax]).toEqual([-1, 3]);
  });
});
