// Dyadic requantization (HAWQ fixedpoint_fn). The float64 steps run in JS doubles, which are
// the same IEEE binary64 operations torch performs on CPU, so this is bit-identical to HAWQ.
// `exactIntegerRequant` is the integer-hardware reading of the same formula (BigInt), which
// agrees with the float64 one whenever |z_int * m| < 2^53 (see README "Exactness").

import { clamp, f32, roundHalfEven } from './float32.js';
import { batchFrexp, type Dyadic } from './frexp.js';

/** M = fp64(fp32(s_in * s_w in fp64)) / fp64(s_out), one multiplier per channel of s_w. */
export function requantMultipliers(sIn: number, sW: ArrayLike<number>, sOut: number): Float64Array {
  const out = new Float64Array(sW.length);
  for (let c = 0; c < sW.length; c++) out[c] = f32(f32(sIn) * f32(sW[c]!)) / f32(sOut);
  return out;
}

export interface RequantParams extends Dyadic {
  /** the float64 multipliers M (HAWQ's `new_scale`) */
  newScale: Float64Array;
}

export function requantParams(sIn: number, sW: ArrayLike<number>, sOut: number): RequantParams {
  const newScale = requantMultipliers(sIn, sW, sOut);
  return { newScale, ...batchFrexp(newScale) };
}

export const SAFE_PRODUCT = 2 ** 53;

/** round((z * m) / 2^e) in float64 exactly as torch computes it. */
export function dyadicRound(z: number, m: number, e: number): number {
  return roundHalfEven((z * m) / 2 ** e);
}

/**
 * Integer semantics: round-half-even of z*m / 2^e with unbounded integers. Used when
 * |z*m| >= 2^53, where a double product would round; HAWQ itself rounds there (float64).
 */
export function exactIntegerRequant(z: number, m: number, e: number): number {
  const p = BigInt(z) * BigInt(m);
  if (e <= 0) return Number(p * 2n ** BigInt(-e));
  const d = 2n ** BigInt(e);
  const neg = p < 0n;
  const a = neg ? -p : p;
  let q = a / d;
  const r = a - q * d;
  const twice = 2n * r;
  if (twice > d || (twice === d && q % 2n === 1n)) q += 1n;
  const v = Number(q);
  return neg && v !== 0 ? -v : v;
}

export type RequantArithmetic = 'float64' | 'integer';

/**
 * Requantize integer accumulators laid out as [N, C, inner] with per-channel (or one) dyadic
 * multipliers, then clamp to [lo, hi] (pass infinities for the unclamped residual branch).
 * `arithmetic: 'float64'` is HAWQ's arithmetic; 'integer' is exact hardware arithmetic.
 */
export function requantize(
  zInt: Float64Array,
  channels: number,
  inner: number,
  params: Dyadic,
  lo: number,
  hi: number,
  arithmetic: RequantArithmetic = 'float64',
): { out: Float64Array; unsafeProducts: number } {
  const out = new Float64Array(zInt.length);
  const perChannel = params.m.length !== 1;
  let unsafeProducts = 0;
  const planeCount = zInt.length / inner;
  for (let p = 0; p < planeCount; p++) {
    const c = perChannel ? p % channels : 0;
    const m = params.m[c]!;
    const e = params.e[c]!;
    const div = 2 ** e;
    const base = p * inner;
    for (let i = base; i < base + inner; i++) {
      const z = zInt[i]!;
      const prod = z * m;
      let v: number;
      if (Math.abs(prod) >= SAFE_PRODUCT) {
        unsafeProducts++;
        v = arithmetic === 'integer' ? exactIntegerRequant(z, m, e) : roundHalfEven(prod / div);
      } else {
        v = roundHalfEven(prod / div);
      }
      out[i] = clamp(v, lo, hi);
    }
  }
  return { out, unsafeProducts };
}
