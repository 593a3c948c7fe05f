// HAWQ's QuantBnConv2d: conv + BN, folded (fix-BN, always in validation) with a 32-bit bias at
// scale s_w * s_in, or unfolded for training (tfjs path only, see fake-quant.ts).
import { foldBn } from './bn-fold.js';
import { type ConvArithmetic, convolveQuantized, scaleChannels } from './conv-arith.js';
import { QuantError } from './errors.js';
import { f32 } from './float32.js';
import type { Conv2dGeometry } from './int-conv.js';
import { Param } from './param.js';
import { mulScales, quantizeChannels } from './quantize.js';
import { checkValues, type Values } from './values.js';
import { quantizeWeight, type WeightQuantOptions, WeightQuantSettings } from './weight-quant.js';

export interface BnConvOptions extends WeightQuantOptions {
  stride?: [number, number];
  padding?: [number, number];
  dilation?: [number, number];
  groups?: number;
  convBias?: boolean;
  fixBN?: boolean;
  fixBNThreshold?: number | null;
  eps?: number;
}

export interface FoldedConv {
  /** convbn_scaling_factor (per output channel, or length 1 per tensor) */
  weightScale: Float32Array;
  weightInteger: Float64Array;
  biasInteger: Float64Array;
  /** bias scale s_w * s_in (float32) = the output scale of the integer accumulator */
  outputScale: Float32Array;
}

export class QuantBnConv2d {
  readonly kind = 'QuantBnConv2d';
  readonly q: WeightQuantSettings;
  readonly weight: Param;
  readonly bias: Param | undefined;
  readonly bnWeight: Param;
  readonly bnBias: Param;
  readonly runningMean: Param;
  readonly runningVar: Param;
  numBatchesTracked = 0n;
  readonly geometry: Required<Conv2dGeometry>;
  readonly eps: number;
  /** HAWQ sets bn.momentum = 0.99 and uses it "reversed": running = 0.99 * running + 0.01 * batch */
  bnMomentum = 0.99;
  fixBN: boolean;
  trainingBNMode: boolean;
  fixBNThreshold: number | null;
  counter = 1;
  /** derived buffers of the last folded forward */
  convbnScalingFactor: Float32Array;
  weightInteger: Float64Array;
  biasInteger: Float64Array;

  constructor(
    readonly name: string,
    readonly weightShape: [number, number, number, number],
    opts: BnConvOptions = {},
  ) {
    this.q = new WeightQuantSettings(opts);
    const [cout] = weightShape;
    this.weight = Param.zeros([...weightShape], true);
    this.bias = opts.convBias ? Param.zeros([cout], true) : undefined;
    this.bnWeight = new Param([cout], new Float32Array(cout).fill(1), true);
    this.bnBias = Param.zeros([cout], true);
    this.runningMean = Param.zeros([cout], false);
    this.runningVar = new Param([cout], new Float32Array(cout).fill(1), false);
    this.geometry = {
      stride: opts.stride ?? [1, 1],
      padding: opts.padding ?? [0, 0],
      dilation: opts.dilation ?? [1, 1],
      groups: opts.groups ?? 1,
    };
    this.eps = opts.eps ?? 1e-5;
    this.fixBN = opts.fixBN ?? false;
    this.trainingBNMode = this.fixBN;
    this.fixBNThreshold = opts.fixBNThreshold ?? null;
    this.convbnScalingFactor = new Float32Array(cout);
    this.weightInteger = new Float64Array(this.weight.read().length);
    this.biasInteger = new Float64Array(cout);
  }

  get outChannels(): number {
    return this.weightShape[0];
  }

  /** While frozen (validate()), weights and BN statistics do not change: fold once per s_in. */
  private frozenFold: { sIn: number; folded: FoldedConv } | undefined;

  fix(): void {
    this.q.fixFlag = true;
    this.fixBN = true;
    this.frozenFold = undefined;
  }

  unfix(): void {
    this.q.fixFlag = false;
    this.fixBN = this.trainingBNMode;
    this.frozenFold = undefined;
  }

  /** HAWQ's per-forward decision whether BN is folded (counter / fix_BN_threshold logic). */
  stepFoldDecision(): boolean {
    if (!this.q.fixFlag) {
      this.counter += 1;
      const t = this.fixBNThreshold;
      this.fixBN = t === null || this.counter < t ? this.trainingBNMode : true;
    }
    return this.fixBN;
  }

  /** Fold BN and quantize weight and bias for an input scale s_in (updates the buffers). */
  fold(sIn: number): FoldedConv {
    if (this.q.fixFlag && this.frozenFold?.sIn === sIn) return this.frozenFold.folded;
    if (this.q.biasBit === null) {
      throw new QuantError(
        `${this.name}: folded BN needs a bias bit width (HAWQ crashes with bias_bit None)`,
      );
    }
    const folded = foldBn(
      this.weight.read(),
      this.bias?.read(),
      this.bnWeight.read(),
      this.bnBias.read(),
      this.runningMean.read(),
      this.runningVar.read(),
      this.eps,
    );
    const w = quantizeWeight(folded.weight, this.outChannels, this.q, this.name);
    const outputScale = mulScales(w.scale, Float32Array.of(f32(sIn)));
    const biasInteger = quantizeChannels(folded.bias, outputScale, this.q.biasBit, 'symmetric');
    this.convbnScalingFactor = w.scale;
    this.weightInteger = w.integer;
    this.biasInteger = biasInteger;
    const result = { weightScale: w.scale, weightInteger: w.integer, biasInteger, outputScale };
    if (this.q.fixFlag) this.frozenFold = { sIn, folded: result };
    return result;
  }

  /**
   * Exact folded forward on HAWQ float32 values: x_int = x / s_in, conv with W_int and b_int,
   * output conv * (s_w * s_in) in float32. `conv` picks PyTorch's float32 accumulation
   * ('torch-f32', bit-exact with HAWQ) or true integer arithmetic on round(x_int) ('integer').
   */
  forwardExact(
    x: Values,
    sIn: number,
    conv: ConvArithmetic = 'torch-f32',
  ): { value: Values; weightScale: Float32Array } {
    checkValues(x, this.name);
    if (!this.stepFoldDecision()) {
      throw new QuantError(
        `${this.name}: the unfolded-BN training path runs on tfjs (forward), not on the exact path`,
      );
    }
    const f = this.fold(sIn);
    const out = convolveQuantized(
      x,
      sIn,
      f.weightInteger,
      this.weightShape,
      f.biasInteger,
      this.geometry,
      conv,
    );
    scaleChannels(out.data, out.shape, f.outputScale);
    return { value: out, weightScale: f.weightScale };
  }
}
