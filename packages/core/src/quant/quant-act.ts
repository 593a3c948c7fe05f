// HAWQ's QuantAct: static per-tensor activation quantizer with a running range.
// The exact path (`forwardExact`) reproduces HAWQ's float32 elementwise steps and the
// float64 dyadic requantization bit for bit; the tfjs path lives in fake-quant.ts.
import { QuantError } from './errors.js';
import { clamp, f32, roundHalfEven } from './float32.js';
import { clampBounds } from './quantize.js';
import {
  type RequantArithmetic,
  type RequantParams,
  requantize,
  requantParams,
} from './requant.js';
import { activationScale, checkBits, percentileMinMax, type QuantMode } from './scales.js';
import type { ActTrace, Tracer } from './trace.js';
import { channelLayout, channelScale, checkValues, type Values } from './values.js';

export interface QuantActOptions {
  activationBit?: number;
  /** EMA momentum of the range; -1 keeps the global min/max */
  actRangeMomentum?: number;
  quantMode?: QuantMode;
  /** 0 = plain min/max; e.g. 99.9 clips the range at that percentile */
  actPercentile?: number;
  /** quantize the dequantized value directly instead of the integer requantization */
  fixedPointQuantization?: boolean;
  fullPrecisionFlag?: boolean;
  runningStat?: boolean;
}

/** Inputs of one QuantAct call, named after HAWQ's forward() arguments. */
export interface QuantActInputs {
  preActScalingFactor?: number;
  preWeightScalingFactor?: Float32Array;
  identity?: Values;
  identityScalingFactor?: number;
  identityWeightScalingFactor?: Float32Array;
}

export interface QuantActResult {
  value: Values;
  scale: number;
  outInt: Float64Array;
}

export class QuantAct {
  readonly kind = 'QuantAct';
  activationBit: number;
  actRangeMomentum: number;
  quantMode: QuantMode;
  actPercentile: number;
  fixedPointQuantization: boolean;
  fullPrecisionFlag: boolean;
  runningStat: boolean;
  fixFlag = false;
  /** float32 buffers, kept as JS numbers that are always float32-representable */
  xMin = 0;
  xMax = 0;
  actScalingFactor = 0;
  preWeightScalingFactor = 1;
  identityWeightScalingFactor = 1;

  constructor(
    readonly name: string,
    opts: QuantActOptions = {},
  ) {
    // HAWQ's constructor defaults: 4 bits, momentum 0.95, symmetric
    this.activationBit = opts.activationBit ?? 4;
    this.actRangeMomentum = opts.actRangeMomentum ?? 0.95;
    this.quantMode = opts.quantMode ?? 'symmetric';
    this.actPercentile = opts.actPercentile ?? 0;
    this.fixedPointQuantization = opts.fixedPointQuantization ?? false;
    this.fullPrecisionFlag = opts.fullPrecisionFlag ?? false;
    this.runningStat = opts.runningStat ?? true;
  }

  /** Set the bit width the way quant_train.py does: 4-bit activations become unsigned. */
  setBits(bits: number): void {
    checkBits(bits, this.name);
    this.activationBit = bits;
    if (bits === 4) this.quantMode = 'asymmetric';
  }

  fix(): void {
    this.runningStat = false;
    this.fixFlag = true;
  }

  unfix(): void {
    this.runningStat = true;
    this.fixFlag = false;
  }

  /** Forget the calibrated range (x_min = x_max = 0 means "initialise from the next batch"). */
  resetRange(): void {
    this.xMin = 0;
    this.xMax = 0;
    this.actScalingFactor = 0;
  }

  /** Batch range as HAWQ measures it: min/max, or percentiles of the flattened tensor. */
  batchRange(data: ArrayLike<number>): [number, number] {
    if (data.length === 0) throw new QuantError(`${this.name}: empty activation tensor`);
    if (this.actPercentile === 0) {
      let lo = Number.POSITIVE_INFINITY;
      let hi = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < data.length; i++) {
        const v = data[i]!;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      return [lo, hi];
    }
    const p = this.actPercentile;
    return this.quantMode === 'symmetric'
      ? percentileMinMax(data, 100 - p, p)
      : percentileMinMax(data, 0, p);
  }

  /** One range update in float32: initialise, global min/max, or EMA. */
  observe(batchMin: number, batchMax: number): void {
    const lo = f32(batchMin);
    const hi = f32(batchMax);
    if (this.xMin === this.xMax) {
      this.xMin = f32(this.xMin + lo);
      this.xMax = f32(this.xMax + hi);
    } else if (this.actRangeMomentum === -1) {
      this.xMin = Math.min(this.xMin, lo);
      this.xMax = Math.max(this.xMax, hi);
    } else {
      const m = f32(this.actRangeMomentum);
      const rest = f32(1 - this.actRangeMomentum);
      this.xMin = f32(f32(this.xMin * m) + f32(lo * rest));
      this.xMax = f32(f32(this.xMax * m) + f32(hi * rest));
    }
  }

  updateScale(): number {
    this.actScalingFactor = activationScale(
      this.activationBit,
      this.quantMode,
      this.xMin,
      this.xMax,
    );
    return this.actScalingFactor;
  }

  /** Integer bounds of the output. */
  bounds(): [number, number] {
    return clampBounds(this.activationBit, this.quantMode);
  }

  /**
   * The exact path: x holds HAWQ's float32 values. Returns the dequantized float32 output
   * (q * s), its scale and the integers q.
   */
  forwardExact(
    x: Values,
    inputs: QuantActInputs = {},
    opts: { tracer?: Tracer; arithmetic?: RequantArithmetic } = {},
  ): QuantActResult {
    checkValues(x, this.name);
    let batch: [number, number] | undefined;
    if (this.runningStat) {
      batch = this.batchRange(x.data);
      this.observe(batch[0], batch[1]);
    }
    if (this.fullPrecisionFlag) {
      return { value: x, scale: 1, outInt: Float64Array.from(x.data) };
    }
    const s = this.updateScale();
    const [lo, hi] = this.bounds();
    const { channels, inner } = channelLayout(x.shape);
    const arithmetic = opts.arithmetic ?? 'float64';
    const requant: RequantParams[] = [];
    let fixedpointCase: ActTrace['fixedpointCase'] = null;
    let outInt: Float64Array;
    let accInt: Float64Array | undefined;
    let accIdentityInt: Float64Array | undefined;
    let accBodyInt: Float64Array | undefined;
    let unsafeProducts = 0;
    const pre = inputs.preActScalingFactor;
    if (pre === undefined || this.fixedPointQuantization) {
      const r = f32(1 / s);
      outInt = new Float64Array(x.data.length);
      for (let i = 0; i < outInt.length; i++) {
        const v = roundHalfEven(f32(r * x.data[i]!));
        outInt[i] = clamp(v, lo, hi);
      }
    } else if (inputs.identity === undefined) {
      fixedpointCase = 0;
      const sW = inputs.preWeightScalingFactor ?? Float32Array.of(this.preWeightScalingFactor);
      accInt = toInt(x.data, channels, inner, pre, sW);
      const p = requantParams(pre, sW, s);
      requant.push(p);
      const r = requantize(accInt, channels, inner, p, lo, hi, arithmetic);
      outInt = r.out;
      unsafeProducts = r.unsafeProducts;
    } else {
      fixedpointCase = 1;
      const id = inputs.identity;
      checkValues(id, `${this.name} identity`);
      if (id.data.length !== x.data.length) {
        throw new QuantError(
          `${this.name}: identity shape [${id.shape}] differs from [${x.shape}]`,
        );
      }
      const idScale = inputs.identityScalingFactor;
      if (idScale === undefined) {
        throw new QuantError(`${this.name}: residual requantization needs identityScalingFactor`);
      }
      const idW =
        inputs.identityWeightScalingFactor ?? Float32Array.of(this.identityWeightScalingFactor);
      accIdentityInt = toInt(id.data, channels, inner, idScale, idW);
      const p1 = requantParams(idScale, idW, s);
      const r1 = requantize(accIdentityInt, channels, inner, p1, -Infinity, Infinity, arithmetic);
      const body = new Float32Array(x.data.length);
      for (let i = 0; i < body.length; i++) body[i] = f32(x.data[i]! - id.data[i]!);
      const sW = inputs.preWeightScalingFactor ?? Float32Array.of(this.preWeightScalingFactor);
      accBodyInt = toInt(body, channels, inner, pre, sW);
      const p2 = requantParams(pre, sW, s);
      const r2 = requantize(accBodyInt, channels, inner, p2, -Infinity, Infinity, arithmetic);
      requant.push(p1, p2);
      // HAWQ does not clamp the residual sum (hawq-spec §9.2); the float32 cast is exact here
      outInt = new Float64Array(x.data.length);
      for (let i = 0; i < outInt.length; i++) outInt[i] = f32(r1.out[i]! + r2.out[i]!);
      unsafeProducts = r1.unsafeProducts + r2.unsafeProducts;
    }
    const value = new Float32Array(outInt.length);
    for (let i = 0; i < value.length; i++) value[i] = f32(outInt[i]! * s);
    opts.tracer?.act?.({
      module: this.name,
      bits: this.activationBit,
      quantMode: this.quantMode,
      fixedpointCase,
      actScalingFactor: s,
      xMin: this.xMin,
      xMax: this.xMax,
      ...(batch ? { batchMin: batch[0], batchMax: batch[1] } : {}),
      shape: [...x.shape],
      outInt,
      ...(accInt ? { accInt } : {}),
      ...(accIdentityInt ? { accIdentityInt } : {}),
      ...(accBodyInt ? { accBodyInt } : {}),
      requant,
      unsafeProducts,
    });
    return { value: { shape: [...x.shape], data: value }, scale: s, outInt };
  }
}

/** z_int = round(z / s_act / s_w[c]) with two float32 divisions, as fixedpoint_fn does. */
function toInt(
  z: Float32Array,
  channels: number,
  inner: number,
  sAct: number,
  sW: Float32Array,
): Float64Array {
  const out = new Float64Array(z.length);
  const a = f32(sAct);
  for (let i = 0; i < z.length; i++) {
    const c = Math.floor(i / inner) % channels;
    out[i] = roundHalfEven(f32(f32(z[i]! / a) / channelScale(sW, c)));
  }
  return out;
}
