// HAWQ's fixedpoint_fn on the exact path: case 0 rescales one accumulator, case 1 requantizes the
// identity and body branches of a residual sum separately and adds them without clamping.
import { QuantError } from './errors.js';
import { f32, roundHalfEven } from './float32.js';
import { clampBounds } from './quantize.js';
import {
  type RequantArithmetic,
  type RequantParams,
  requantize,
  requantParams,
} from './requant.js';
import type { QuantMode } from './scales.js';
import { channelLayout, channelScale, checkValues, type Values } from './values.js';

export interface FixedpointInputs {
  /** s_in of the tensor z (HAWQ: pre_act_scaling_factor) */
  preActScalingFactor: number;
  /** s_w, per channel or one value (HAWQ: pre_weight_scaling_factor; 1 for a plain rescale) */
  preWeightScalingFactor: Float32Array;
  /** case 1: the identity branch (float32 values) and its scales */
  identity?: Values;
  identityScalingFactor?: number;
  identityWeightScalingFactor?: Float32Array;
}

export interface FixedpointResult {
  out: Float64Array;
  fixedpointCase: 0 | 1;
  accInt?: Float64Array;
  accIdentityInt?: Float64Array;
  accBodyInt?: Float64Array;
  requant: RequantParams[];
  unsafeProducts: number;
}

/** z_int = round(z / s_act / s_w[c]) with two float32 divisions, as fixedpoint_fn does. */
export function toIntegerGrid(z: Values, sAct: number, sW: Float32Array): Float64Array {
  const { channels, inner } = channelLayout(z.shape);
  const out = new Float64Array(z.data.length);
  const a = f32(sAct);
  for (let i = 0; i < out.length; i++) {
    const c = Math.floor(i / inner) % channels;
    out[i] = roundHalfEven(f32(f32(z.data[i]! / a) / channelScale(sW, c)));
  }
  return out;
}

/**
 * fixedpoint_fn(z, bitwidth, quant_mode, z_scaling_factor, case, ...): the integers of z on the
 * output grid `zScalingFactor`. Case 0 clamps to the bit range; case 1 (identity given) does not.
 */
export function fixedpointFn(
  z: Values,
  bits: number,
  mode: QuantMode,
  zScalingFactor: number,
  inputs: FixedpointInputs,
  arithmetic: RequantArithmetic = 'float64',
): FixedpointResult {
  checkValues(z, 'fixedpointFn');
  const { channels, inner } = channelLayout(z.shape);
  const sW = inputs.preWeightScalingFactor;
  const pre = inputs.preActScalingFactor;
  if (!inputs.identity) {
    const [lo, hi] = clampBounds(bits, mode);
    const accInt = toIntegerGrid(z, pre, sW);
    const p = requantParams(pre, sW, zScalingFactor);
    const r = requantize(accInt, channels, inner, p, lo, hi, arithmetic);
    return {
      out: r.out,
      fixedpointCase: 0,
      accInt,
      requant: [p],
      unsafeProducts: r.unsafeProducts,
    };
  }
  const id = inputs.identity;
  checkValues(id, 'fixedpointFn identity');
  if (id.data.length !== z.data.length) {
    throw new QuantError(`fixedpointFn: identity shape [${id.shape}] differs from [${z.shape}]`);
  }
  const idScale = inputs.identityScalingFactor;
  const idW = inputs.identityWeightScalingFactor;
  if (idScale === undefined || idW === undefined) {
    throw new QuantError(
      'fixedpointFn: case 1 needs identityScalingFactor and identityWeightScalingFactor',
    );
  }
  const accIdentityInt = toIntegerGrid(id, idScale, idW);
  const p1 = requantParams(idScale, idW, zScalingFactor);
  const r1 = requantize(accIdentityInt, channels, inner, p1, -Infinity, Infinity, arithmetic);
  // the body branch is recovered as z - identity in float32, exactly like HAWQ
  const body: Values = { shape: z.shape, data: new Float32Array(z.data.length) };
  for (let i = 0; i < body.data.length; i++) body.data[i] = f32(z.data[i]! - id.data[i]!);
  const accBodyInt = toIntegerGrid(body, pre, sW);
  const p2 = requantParams(pre, sW, zScalingFactor);
  const r2 = requantize(accBodyInt, channels, inner, p2, -Infinity, Infinity, arithmetic);
  // HAWQ does not clamp the residual sum (hawq-spec §9.2); the float32 cast is exact here
  const out = new Float64Array(z.data.length);
  for (let i = 0; i < out.length; i++) out[i] = f32(r1.out[i]! + r2.out[i]!);
  return {
    out,
    fixedpointCase: 1,
    accIdentityInt,
    accBodyInt,
    requant: [p1, p2],
    unsafeProducts: r1.unsafeProducts + r2.unsafeProducts,
  };
}
