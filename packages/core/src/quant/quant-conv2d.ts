// HAWQ's QuantConv2d: a plain conv (no BN) with quantized weights, optional 32-bit bias.

import { type ConvArithmetic, convolveQuantized, scaleChannels } from './conv-arith.js';
import { QuantError } from './errors.js';
import { f32 } from './float32.js';
import type { Conv2dGeometry } from './int-conv.js';
import { Param } from './param.js';
import { mulScales, quantizeChannels } from './quantize.js';
import { checkValues, type Values } from './values.js';
import { quantizeWeight, type WeightQuantOptions, WeightQuantSettings } from './weight-quant.js';

export class QuantConv2d {
  readonly kind = 'QuantConv2d';
  readonly q: WeightQuantSettings;
  readonly weight: Param;
  readonly bias: Param | undefined;
  readonly geometry: Required<Conv2dGeometry>;
  convScalingFactor: Float32Array;
  weightInteger: Float64Array;
  biasInteger: Float64Array | undefined;

  constructor(
    readonly name: string,
    readonly weightShape: [number, number, number, number],
    opts: WeightQuantOptions & Partial<Conv2dGeometry> & { convBias?: boolean } = {},
  ) {
    this.q = new WeightQuantSettings(opts);
    this.weight = Param.zeros([...weightShape], true);
    this.bias = opts.convBias ? Param.zeros([weightShape[0]], true) : undefined;
    this.geometry = {
      stride: opts.stride ?? [1, 1],
      padding: opts.padding ?? [0, 0],
      dilation: opts.dilation ?? [1, 1],
      groups: opts.groups ?? 1,
    };
    this.convScalingFactor = new Float32Array(weightShape[0]);
    this.weightInteger = new Float64Array(this.weight.read().length);
  }

  fix(): void {
    this.q.fixFlag = true;
  }

  unfix(): void {
    this.q.fixFlag = false;
  }

  forwardExact(
    x: Values,
    sIn: number,
    conv: ConvArithmetic = 'torch-f32',
  ): { value: Values; weightScale: Float32Array } {
    checkValues(x, this.name);
    const cout = this.weightShape[0];
    const w = quantizeWeight(this.weight.read(), cout, this.q, this.name);
    const outScale = mulScales(w.scale, Float32Array.of(f32(sIn)));
    this.convScalingFactor = w.scale;
    this.weightInteger = w.integer;
    this.biasInteger = undefined;
    if (this.bias && this.q.biasBit !== null) {
      this.biasInteger = quantizeChannels(this.bias.read(), outScale, this.q.biasBit, 'symmetric');
    } else if (this.bias) {
      throw new QuantError(`${this.name}: a conv bias needs a bias bit width on the integer path`);
    }
    const out = convolveQuantized(
      x,
      sIn,
      w.integer,
      this.weightShape,
      this.biasInteger,
      this.geometry,
      conv,
    );
    scaleChannels(out.data, out.shape, outScale);
    return { value: out, weightScale: w.scale };
  }
}
