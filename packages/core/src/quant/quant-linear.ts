// HAWQ's QuantLinear: per-row symmetric weights, 32-bit bias at s_fc * s_in, and the integer
// output rounded (ste_round) then dequantized by s_fc * s_in.

import { type ConvArithmetic, linearQuantized, scaleChannels } from './conv-arith.js';
import { QuantError } from './errors.js';
import { f32, roundHalfEven } from './float32.js';
import { Param } from './param.js';
import { mulScales, quantizeChannels } from './quantize.js';
import type { Tracer } from './trace.js';
import { checkValues, type Values } from './values.js';
import { quantizeWeight, type WeightQuantOptions, WeightQuantSettings } from './weight-quant.js';

export class QuantLinear {
  readonly kind = 'QuantLinear';
  readonly q: WeightQuantSettings;
  readonly weight: Param;
  readonly bias: Param;
  fcScalingFactor: Float32Array;
  weightInteger: Float64Array;
  biasInteger: Float64Array;

  constructor(
    readonly name: string,
    readonly outFeatures: number,
    readonly inFeatures: number,
    opts: WeightQuantOptions = {},
  ) {
    this.q = new WeightQuantSettings(opts);
    this.weight = Param.zeros([outFeatures, inFeatures], true);
    this.bias = Param.zeros([outFeatures], true);
    this.fcScalingFactor = new Float32Array(outFeatures);
    this.weightInteger = new Float64Array(outFeatures * inFeatures);
    this.biasInteger = new Float64Array(outFeatures);
  }

  /** While frozen (validate()), the weights do not change: quantize once per s_in. */
  private frozenScale: { sIn: number; outScale: Float32Array } | undefined;

  fix(): void {
    this.q.fixFlag = true;
    this.frozenScale = undefined;
  }

  unfix(): void {
    this.q.fixFlag = false;
    this.frozenScale = undefined;
  }

  /** Quantize weight and bias for input scale s_in; returns the output scale s_fc * s_in. */
  quantize(sIn: number): Float32Array {
    if (this.q.fixFlag && this.frozenScale?.sIn === sIn) return this.frozenScale.outScale;
    if (this.q.biasBit === null) {
      throw new QuantError(
        `${this.name}: QuantLinear needs a bias bit width (HAWQ crashes without)`,
      );
    }
    const w = quantizeWeight(this.weight.read(), this.outFeatures, this.q, this.name);
    const outScale = mulScales(w.scale, Float32Array.of(f32(sIn)));
    this.fcScalingFactor = w.scale;
    this.weightInteger = w.integer;
    this.biasInteger = quantizeChannels(this.bias.read(), outScale, this.q.biasBit, 'symmetric');
    if (this.q.fixFlag) this.frozenScale = { sIn, outScale };
    return outScale;
  }

  /** Exact forward: x holds float32 values [N, inFeatures(, 1, 1)]; returns float32 logits. */
  forwardExact(
    x: Values,
    sIn: number,
    tracer?: Tracer,
    conv: ConvArithmetic = 'torch-f32',
  ): { value: Values; outInt: Float64Array } {
    checkValues(x, this.name);
    const batch = x.shape[0]!;
    if (x.data.length !== batch * this.inFeatures) {
      throw new QuantError(
        `${this.name}: expected ${this.inFeatures} features, got shape [${x.shape}]`,
      );
    }
    const outScale = this.quantize(sIn);
    const acc = linearQuantized(
      x,
      sIn,
      this.weightInteger,
      this.outFeatures,
      this.biasInteger,
      conv,
    );
    const outInt = Float64Array.from(acc, (v) => roundHalfEven(v));
    const shape = [batch, this.outFeatures];
    const out = Float32Array.from(outInt);
    scaleChannels(out, shape, outScale);
    tracer?.linear?.({ module: this.name, shape, outInt, outputScale: outScale });
    return { value: { shape, data: out }, outInt };
  }
}
