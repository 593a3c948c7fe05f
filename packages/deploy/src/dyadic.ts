// HAWQ's dyadic requantization constants come from @hawq-ts/core (requantParams = fixedpoint_fn's
// M = fp64(fp32(s_in·s_w))/s_out followed by batch_frexp); this file only adapts them to the IR.
import { requantParams, roundHalfEven } from '@hawq-ts/core';
import type { DyadicScale } from './ir.js';

export { roundHalfEven };

/** Per-channel (or single) mantissa/shift for requantizing from s_in·s_w to s_out. */
export function requantScale(sIn: number, sW: ArrayLike<number>, sOut: number): DyadicScale {
  const p = requantParams(sIn, sW, sOut);
  return { m: Array.from(p.m), e: Array.from(p.e) };
}

/** The float64 multiplier m·2^-e actually used in the graphs (exact in float64). */
export function multiplierOf(s: DyadicScale, c: number): number {
  const i = s.m.length === 1 ? 0 : c;
  return (s.m[i] as number) * 2 ** -(s.e[i] as number);
}
