import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  batchFrexp,
  dyadicRound,
  exactIntegerRequant,
  f32,
  frexp,
  QuantAct,
  requantize,
  requantMultipliers,
  roundHalfAwayFromZero,
} from '../src/quant/index.js';

describe('frexp / batchFrexp', () => {
  it('decomposes x = f * 2^k with f in [0.5, 1)', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-300, max: 1e300, noNaN: true }), (x) => {
        const [f, k] = frexp(x);
        expect(f >= 0.5 && f < 1).toBe(true);
        expect(f * 2 ** k).toBe(x);
      }),
    );
    expect(frexp(0)).toEqual([0, 0]);
    const sub = 2 ** -1070;
    const [f, k] = frexp(sub);
    expect([f, k]).toEqual([0.5, -1069]);
  });
  it('rounds the 31-bit mantissa half up (Decimal ROUND_HALF_UP) and can reach 2^31', () => {
    // f * 2^31 = 2^31 - 0.5 exactly: the tie rounds up to 2^31, e = 31 - k
    const x = (2 ** 31 - 0.5) / 2 ** 31;
    const { m, e } = batchFrexp([x]);
    expect(m[0]).toBe(2 ** 31);
    expect(e[0]).toBe(31);
    expect(roundHalfAwayFromZero(2.5)).toBe(3);
    expect(roundHalfAwayFromZero(-2.5)).toBe(-3);
  });
  it('m / 2^e approximates M to 2^-31 relative', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-12, max: 1e6, noNaN: true }), (x) => {
        const { m, e } = batchFrexp([x]);
        expect(m[0]! >= 2 ** 30 && m[0]! <= 2 ** 31).toBe(true);
        expect(Math.abs(m[0]! / 2 ** e[0]! - x) / x).toBeLessThanOrEqual(2 ** -31);
      }),
    );
  });
  it('forms M from the float32 product s_in * s_w', () => {
    const sIn = f32(0.0341);
    const sW = Float32Array.of(f32(0.0123));
    expect(requantMultipliers(sIn, sW, f32(0.5))[0]).toBe(f32(sIn * sW[0]!) / f32(0.5));
  });
});

describe('dyadic requantization', () => {
  it('float64 arithmetic equals exact integer arithmetic while |z*m| < 2^53', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -(2 ** 21), max: 2 ** 21 }),
        fc.integer({ min: 2 ** 30, max: 2 ** 31 }),
        fc.integer({ min: 1, max: 60 }),
        (z, m, e) => {
          expect(dyadicRound(z, m, e) + 0).toBe(exactIntegerRequant(z, m, e));
        },
      ),
    );
  });
  it('integer ties round half to even', () => {
    expect(exactIntegerRequant(3, 1, 1)).toBe(2);
    expect(exactIntegerRequant(5, 1, 1)).toBe(2);
    expect(exactIntegerRequant(-3, 1, 1)).toBe(-2);
    expect(dyadicRound(5, 1, 1)).toBe(2);
  });
  it('counts products beyond 2^53 and resolves them exactly in integer mode', () => {
    const z = Float64Array.of(2 ** 23 + 1);
    const p = { m: Float64Array.of(2 ** 31 - 1), e: Float64Array.of(31) };
    const f = requantize(z, 1, 1, p, -Infinity, Infinity, 'float64');
    const i = requantize(z, 1, 1, p, -Infinity, Infinity, 'integer');
    expect(f.unsafeProducts).toBe(1);
    expect(i.out[0]).toBe(exactIntegerRequant(2 ** 23 + 1, 2 ** 31 - 1, 31));
  });
  it('case 1 (residual) sums two requantized branches without clamping', () => {
    const act = new QuantAct('res', { activationBit: 16, actRangeMomentum: 0.99 });
    act.xMin = -1;
    act.xMax = 1;
    act.fix();
    const s = f32(1 / 32767);
    const id = { shape: [1, 1, 1, 2], data: Float32Array.from([f32(0.9), f32(-0.9)]) };
    const z = {
      shape: [1, 1, 1, 2],
      data: Float32Array.from([f32(f32(0.9) + f32(0.9)), f32(-1.8)]),
    };
    const r = act.forwardExact(z, {
      preActScalingFactor: s,
      identity: id,
      identityScalingFactor: s,
    });
    expect(r.outInt[0]).toBeGreaterThan(32767);
    expect(r.outInt[1]).toBeLessThan(-32768);
  });
});

describe('fmaF32', async () => {
  const { fmaF32, frexp } = await import('../src/quant/index.js');
  /** v · 2^300 as an exact BigInt (float32 values have exponents >= -149). */
  const big = (v: number): bigint => {
    if (v === 0) return 0n;
    const [f, k] = frexp(v);
    return BigInt(f * 2 ** 53) * 2n ** BigInt(k - 53 + 300);
  };
  const abs = (x: bigint) => (x < 0n ? -x : x);
  it('rounds a*b + c once (reference: exact BigInt arithmetic)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -32768, max: 32767 }),
        fc.float({ noNaN: true, noDefaultInfinity: true, min: -1e4, max: 1e4 }),
        fc.float({ noNaN: true, noDefaultInfinity: true, min: -1e8, max: 1e8 }),
        (a, b, c) => {
          const r = fmaF32(a, b, c);
          expect(r).toBe(Math.fround(r));
          // exact value at scale 2^600
          const exact = big(a) * big(b) + big(c) * 2n ** 300n;
          const dist = (v: number) => abs(big(v) * 2n ** 300n - exact);
          const u = new Uint32Array(new Float32Array([Math.abs(r)]).buffer)[0]!;
          const up = new Float32Array(new Uint32Array([u + 1]).buffer)[0]!;
          const neighbours = [up, -up];
          if (u > 0) {
            const down = new Float32Array(new Uint32Array([u - 1]).buffer)[0]!;
            neighbours.push(down, -down);
          }
          for (const n of neighbours.filter(Number.isFinite)) expect(dist(r) <= dist(n)).toBe(true);
        },
      ),
    );
  });
  it('decides exact float32 midpoints by the part a double sum would drop', () => {
    // a·b + c = 1 + 2^-24 + 2^-60: a double sum rounds to the midpoint 1 + 2^-24 (then ties to
    // even gives 1); the exact value is above the midpoint, so the FMA result is 1 + 2^-23
    expect(fmaF32(2 ** -24 + 2 ** -60, 1, 1)).toBe(1 + 2 ** -23);
    // a·b exactly on a float32 midpoint, c (the smallest subnormal) lost by the double sum
    const b = Math.fround(-1.3602395373805455e-14);
    const p = -3 * b;
    const r = Math.fround(p);
    const bitsOf = new Uint32Array(new Float32Array([r]).buffer)[0]!;
    const neighbour = new Float32Array(
      new Uint32Array([r > p ? bitsOf - 1 : bitsOf + 1]).buffer,
    )[0]!;
    expect(p - Math.min(r, neighbour)).toBe(Math.max(r, neighbour) - p); // p is a midpoint
    expect(fmaF32(-3, b, 2 ** -149)).toBe(Math.max(r, neighbour));
  });
});

describe('fixedpointFn', async () => {
  const {
    fixedpointFn,
    toIntegerGrid,
    requantParams: params,
    requantize: rq,
  } = await import('../src/quant/index.js');
  it('case 0: z / s_in / s_w rounded, dyadic rescale, clamp', () => {
    const sIn = f32(0.02);
    const sW = Float32Array.of(f32(0.5), f32(0.25));
    const z = {
      shape: [1, 2, 1, 2],
      data: Float32Array.from([1, -2, 3, 400].map((v) => f32(v * f32(sIn * 0.5)))),
    };
    const r = fixedpointFn(z, 8, 'symmetric', f32(0.05), {
      preActScalingFactor: sIn,
      preWeightScalingFactor: sW,
    });
    const acc = toIntegerGrid(z, sIn, sW);
    const manual = rq(acc, 2, 2, params(sIn, sW, f32(0.05)), -128, 127);
    expect(r.fixedpointCase).toBe(0);
    expect(Array.from(r.out)).toEqual(Array.from(manual.out));
    expect(Math.max(...r.out)).toBeLessThanOrEqual(127);
  });
  it('case 1 needs the identity scales', () => {
    const z = { shape: [1, 1, 1, 1], data: Float32Array.of(1) };
    expect(() =>
      fixedpointFn(z, 16, 'symmetric', 1, {
        preActScalingFactor: 1,
        preWeightScalingFactor: Float32Array.of(1),
        identity: z,
      }),
    ).toThrow(/identityScalingFactor/);
  });
});
