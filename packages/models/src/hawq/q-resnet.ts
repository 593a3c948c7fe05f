// HAWQ's Q_ResNet18 / Q_ResNet50 / Q_ResNet101 (resnet50b = Q_ResNet50 with v1.5 strides):
// module names exactly as HAWQ registers them, and the exact integer path.
import {
  maxPool2d,
  QuantAct,
  QuantAveragePool2d,
  QuantBnConv2d,
  QuantError,
  QuantLinear,
  type Values,
} from '@hawq-ts/core';
import { resnetFinalPool } from './final-pool.js';
import { QModel, type QModule } from './q-model.js';
import { type ExactContext, QResUnit } from './q-unit.js';
import { reluValues } from './relu.js';
import { initConvName, type QResNetSpec } from './spec.js';

export interface ExactOutput {
  logits: Values;
  logitsInt: Float64Array;
  logitsScale: Float32Array;
}

export class QResNet extends QModel {
  readonly quant_input: QuantAct;
  readonly initConv: QuantBnConv2d;
  readonly quant_act_int32: QuantAct;
  readonly units: QResUnit[];
  readonly final_pool: QuantAveragePool2d;
  readonly quant_act_output: QuantAct;
  readonly quant_output: QuantLinear;

  constructor(readonly spec: QResNetSpec) {
    super();
    this.quant_input = new QuantAct('quant_input');
    this.initConv = new QuantBnConv2d(
      initConvName(spec),
      [spec.initChannels, spec.inChannels, 7, 7],
      {
        stride: [2, 2],
        padding: [3, 3],
      },
    );
    this.quant_act_int32 = new QuantAct('quant_act_int32');
    this.units = spec.units.map((u) => new QResUnit(u));
    // HAWQ's module (7x7); finalPoolFor() covers the whole final map for other input sizes
    this.final_pool = new QuantAveragePool2d('final_pool', 7, 1);
    this.quant_act_output = new QuantAct('quant_act_output');
    const last = spec.units[spec.units.length - 1]!;
    this.quant_output = new QuantLinear('quant_output', spec.numClasses, last.outChannels);
  }

  /** HAWQ class name of this model. */
  override get className(): string {
    if (!this.spec.bottleneck) return 'Q_ResNet18';
    return this.spec.units.length > 16 ? 'Q_ResNet101' : 'Q_ResNet50';
  }

  /** Every stateful module with its full HAWQ name, in registration (state_dict) order. */
  override namedModules(): [string, QModule][] {
    const out: [string, QModule][] = [
      ['quant_input', this.quant_input],
      [this.initConv.name, this.initConv],
      ['quant_act_int32', this.quant_act_int32],
    ];
    for (const u of this.units) {
      for (const [local, m] of u.modules()) out.push([`${u.spec.name}.${local}`, m]);
    }
    out.push(['quant_act_output', this.quant_act_output], ['quant_output', this.quant_output]);
    return out;
  }

  /**
   * The exact integer path (HAWQ's forward, bit for bit): x is the float32 NCHW input. Ranges
   * update while unfrozen, exactly as in HAWQ's train() or eval() forward.
   */
  forwardExact(x: Values, ctx: ExactContext = {}): ExactOutput {
    this.checkInputShape(x.shape);
    const o = { tracer: ctx.tracer, arithmetic: ctx.arithmetic };
    const q = this.quant_input.forwardExact(x, {}, o);
    const stem = this.initConv.forwardExact(q.value, q.scale, ctx.conv);
    const pooled = maxPool2d(stem.value.data, stem.value.shape, 3, 2, 1);
    const a = this.quant_act_int32.forwardExact(
      pooled,
      { preActScalingFactor: q.scale, preWeightScalingFactor: stem.weightScale },
      o,
    );
    let v = reluValues(a.value);
    let s = a.scale;
    for (const u of this.units) ({ value: v, scale: s } = u.forwardExact(v, s, ctx));
    const p = this.finalPoolFor(x.shape).forwardExact(v, s, ctx.tracer);
    const out = this.quant_act_output.forwardExact(p.value, { preActScalingFactor: p.scale }, o);
    const flat: Values = {
      shape: [out.value.shape[0]!, out.value.data.length / out.value.shape[0]!],
      data: out.value.data,
    };
    const y = this.quant_output.forwardExact(flat, out.scale, ctx.tracer, ctx.conv);
    const logitsScale = Float32Array.from(this.quant_output.fcScalingFactor, (f) =>
      Math.fround(f * out.scale),
    );
    return { logits: y.value, logitsInt: y.outInt, logitsScale };
  }

  /** NCHW with the model's input channels and a size whose final map the average pool covers. */
  checkInputShape(shape: readonly number[]): void {
    const [, c] = shape;
    if (shape.length !== 4 || c !== this.spec.inChannels) {
      throw new QuantError(
        `${this.className}: expected input [N, ${this.spec.inChannels}, H, W], got [${shape}]`,
      );
    }
    this.finalPoolFor(shape);
  }

  /** The final average pool for an NCHW input shape: HAWQ's 7x7 at 193..224, the whole map otherwise. */
  finalPoolFor(shape: readonly number[]): QuantAveragePool2d {
    return resnetFinalPool(this.className, shape[2]!, shape[3]!, this.final_pool);
  }

  /** HAWQ's validate(): freeze, forward, unfreeze. */
  evaluateExact(x: Values, ctx: ExactContext = {}): ExactOutput {
    this.freeze();
    try {
      return this.forwardExact(x, ctx);
    } finally {
      this.unfreeze();
    }
  }

  /** Calibration: unfrozen forwards over the batches in order (ranges init, then EMA). */
  calibrateExact(batches: Iterable<Values>, ctx: ExactContext = {}): void {
    this.unfreeze();
    for (const b of batches) this.forwardExact(b, ctx);
  }
}
