// HAWQ's QuantAct: static per-tensor activation quantizer with a running range.
// The exact path (`forwardExact`) reproduces HAWQ's float32 elementwise steps and the
// float64 dyadic requantization bit for bit; the tfjs path lives in fake-quant.ts.
import { QuantError } from './errors.js';
import { type FixedpointResult, fixedpointFn } from './fixedpoint.js';
import { clamp, f32, roundHalfEven } from './float32.js';
import { clampBounds } from './quantize.js';
import type { RequantArithmetic } from './requant.js';
import { activationScale, checkBits, percentileMinMax, type QuantMode } from './scales.js';
import type { ActTrace, Tracer } from './trace.js';
import { checkValues, type Values } from './values.js';

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
    const arithmetic = opts.arithmetic ?? 'float64';
    let fixedpointCase: ActTrace['fixedpointCase'] = null;
    let outInt: Float64Array;
    let fp: FixedpointResult | undefined;
    const pre = inputs.preActScalingFactor;
    if (pre === undefined || this.fixedPointQuantization) {
      // network input, or fixed-point mode: quantize the dequantized value directly
      const [lo, hi] = this.bounds();
      const r = f32(1 / s);
      outInt = new Float64Array(x.data.length);
      for (let i = 0; i < outInt.length; i++)
        outInt[i] = clamp(roundHalfEven(f32(r * x.data[i]!)), lo, hi);
    } else {
      if (inputs.identity && inputs.identityScalingFactor === undefined) {
        throw new QuantError(`${this.name}: residual requantization needs identityScalingFactor`);
      }
      fp = fixedpointFn(
        x,
        this.activationBit,
        this.quantMode,
        s,
        {
          preActScalingFactor: pre,
          preWeightScalingFactor:
            inputs.preWeightScalingFactor ?? Float32Array.of(this.preWeightScalingFactor),
          ...(inputs.identity
            ? {
                identity: inputs.identity,
                identityScalingFactor: inputs.identityScalingFactor!,
                identityWeightScalingFactor:
                  inputs.identityWeightScalingFactor ??
                  Float32Array.of(this.identityWeightScalingFactor),
              }
            : {}),
        },
        arithmetic,
      );
      outInt = fp.out;
      fixedpointCase = fp.fixedpointCase;
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
      ...(fp?.accInt ? { accInt: fp.accInt } : {}),
      ...(fp?.accIdentityInt ? { accIdentityInt: fp.accIdentityInt } : {}),
      ...(fp?.accBodyInt ? { accBodyInt: fp.accBodyInt } : {}),
      requant: fp?.requant ?? [],
      unsafeProducts: fp?.unsafeProducts ?? 0,
    });
    return { value: { shape: [...x.shape], data: value }, scale: s, outInt };
  }
}
