// HAWQ's batch_frexp: M = f * 2^k with f in [0.5, 1) (numpy.frexp), then
// m = round_half_up(f * 2^31) via Decimal and e = 31 - k, so M ~= m / 2^e.
import { QuantError } from './errors.js';

const view = new DataView(new ArrayBuffer(8));

/** numpy.frexp for one float64: returns [mantissa in [0.5,1) with the sign of x, exponent]. */
export function frexp(x: number): [number, number] {
  if (x === 0 || !Number.isFinite(x)) return [x, 0];
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  let biased = (hi >>> 20) & 0x7ff;
  let scaled = x;
  let adjust = 0;
  if (biased === 0) {
    // subnormal: scale into the normal range first (2^64 is exact)
    scaled = x * 2 ** 64;
    adjust = -64;
    view.setFloat64(0, scaled);
    biased = (view.getUint32(0) >>> 20) & 0x7ff;
  }
  const k = biased - 1022;
  // f = scaled / 2^k, done by rewriting the exponent bits to 1022 (=> [0.5, 1))
  view.setFloat64(0, scaled);
  view.setUint32(0, (view.getUint32(0) & 0x800fffff) | (1022 << 20));
  return [view.getFloat64(0), k + adjust];
}

/** Decimal(v).quantize(1, ROUND_HALF_UP): ties go away from zero. Exact for |v| < 2^52. */
export function roundHalfAwayFromZero(v: number): number {
  return v < 0 ? -Math.floor(-v + 0.5) : Math.floor(v + 0.5);
}

export interface Dyadic {
  /** integer mantissa, |m| <= 2^31 (2^31 itself occurs when f*2^31 rounds up) */
  m: Float64Array;
  /** right shift e = 31 - k */
  e: Float64Array;
}

/** batch_frexp over a vector of float64 multipliers. */
export function batchFrexp(multipliers: ArrayLike<number>): Dyadic {
  const n = multipliers.length;
  const m = new Float64Array(n);
  const e = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = multipliers[i]!;
    if (!Number.isFinite(x))
      throw new QuantError(`batchFrexp: multiplier ${i} is ${x}, expected a finite scale`);
    const [f, k] = frexp(x);
    // f * 2^31 is exact (power-of-two scaling), and adding 0.5 stays exact below 2^31.
    m[i] = roundHalfAwayFromZero(f * 2 ** 31);
    e[i] = 31 - k;
  }
  return { m, e };
}
