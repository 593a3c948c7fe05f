// HAWQ's Q_InceptionV3 (utils/models/q_inceptionv3.py) with its exact module names and the exact
// integer path: q_init_block, three stages of multi-branch units (each concat requantized by the
// unit's q_rescaling_activ), q_final_pool (8x8), q_concat_activ, output.q_dropout, output.q_fc.
import {
  branchOutChannels,
  QuantAct,
  QuantAveragePool2d,
  QuantDropout,
  QuantError,
  QuantLinear,
  QuantMaxPool2d,
  type Values,
} from '@hawq-ts/core';
import { QInceptBranch, QInceptConv, type ScaledValues } from './q-inception-branch.js';
import { requantConcatExact } from './q-inception-concat.js';
import { initConvSite, type QInceptionSpec, unitPrefix } from './q-inception-spec.js';
import { QModel, type QModule } from './q-model.js';
import type { ExactOutput } from './q-resnet.js';
import type { ExactContext } from './q-unit.js';

/** HAWQ's final QuantAveragePool2d(kernel_size=8): the feature map must be exactly 8x8. */
export const INCEPTION_FINAL_POOL = 8;

export class QInceptUnit {
  readonly branches: QInceptBranch[];
  readonly q_rescaling_activ: QuantAct;

  constructor(
    readonly name: string,
    branches: QInceptBranch[],
  ) {
    this.branches = branches;
    this.q_rescaling_activ = new QuantAct(`${name}.q_rescaling_activ`);
  }

  modules(): [string, QModule][] {
    const out = this.branches.flatMap((b) => b.modules());
    out.push([this.q_rescaling_activ.name, this.q_rescaling_activ]);
    return out;
  }

  forwardExact(x: Values, s: number, ctx: ExactContext): ScaledValues {
    const parts = this.branches.map((b) => b.forwardExact(x, s, ctx));
    const r = requantConcatExact(this.q_rescaling_activ, parts, {
      tracer: ctx.tracer,
      arithmetic: ctx.arithmetic,
    });
    return { value: r.value, scale: r.scale };
  }
}

export class QInceptionV3 extends QModel {
  override get className(): string {
    return 'Q_InceptionV3';
  }

  readonly q_input_activ: QuantAct;
  readonly initConvs: QInceptConv[];
  /** max pools after q_conv3 and q_conv5 (stateless, scale passes through) */
  readonly q_pool1: QuantMaxPool2d;
  readonly q_pool2: QuantMaxPool2d;
  readonly units: QInceptUnit[];
  readonly q_final_pool: QuantAveragePool2d;
  readonly q_concat_activ: QuantAct;
  readonly q_dropout: QuantDropout;
  readonly q_fc: QuantLinear;
  readonly finalChannels: number;

  constructor(
    readonly spec: QInceptionSpec,
    dropoutRate = 0.5,
  ) {
    super();
    this.q_input_activ = new QuantAct('features.q_init_block.q_input_activ');
    let c = spec.inChannels;
    this.initConvs = spec.initBlock.map((def, i) => {
      const conv = new QInceptConv(initConvSite(i, c, def));
      c = def.out;
      return conv;
    });
    this.q_pool1 = new QuantMaxPool2d('features.q_init_block.q_pool1', 3, 2, 0);
    this.q_pool2 = new QuantMaxPool2d('features.q_init_block.q_pool2', 3, 2, 0);
    this.units = spec.units.map((unit) => {
      const branches = unit.branches.map((_, b) => QInceptBranch.create(unit, b, c));
      const input = c;
      c = unit.branches.reduce((sum, b) => sum + branchOutChannels(b, input), 0);
      return new QInceptUnit(unitPrefix(unit), branches);
    });
    this.finalChannels = c;
    this.q_final_pool = new QuantAveragePool2d('features.q_final_pool', INCEPTION_FINAL_POOL, 1);
    this.q_concat_activ = new QuantAct('features.q_concat_activ');
    this.q_dropout = new QuantDropout('output.q_dropout', dropoutRate);
    this.q_fc = new QuantLinear('output.q_fc', spec.numClasses, c);
  }

  /** Every stateful module with its full HAWQ name, in registration (state_dict) order. */
  override namedModules(): [string, QModule][] {
    const out: [string, QModule][] = [[this.q_input_activ.name, this.q_input_activ]];
    for (const c of this.initConvs) out.push(...c.modules());
    for (const u of this.units) out.push(...u.modules());
    out.push([this.q_concat_activ.name, this.q_concat_activ], [this.q_fc.name, this.q_fc]);
    return out;
  }

  /** The stateless modules HAWQ also registers (no buffers, no bits in bit_config.py). */
  statelessModuleNames(): string[] {
    const out = [this.q_pool1.name, this.q_pool2.name];
    for (const u of this.units) {
      for (const b of u.branches) {
        const pool = b.avgPool ?? b.maxPool;
        if (pool) out.push(pool.name);
      }
    }
    out.push(this.q_final_pool.name, this.q_dropout.name);
    return out;
  }

  /** The exact integer path (HAWQ's forward); ranges update while unfrozen. x: float32 NCHW. */
  forwardExact(x: Values, ctx: ExactContext = {}): ExactOutput {
    this.checkInputShape(x.shape);
    const o = { tracer: ctx.tracer, arithmetic: ctx.arithmetic };
    const q = this.q_input_activ.forwardExact(x, {}, o);
    let h: ScaledValues = { value: q.value, scale: q.scale };
    this.initConvs.forEach((conv, i) => {
      h = conv.forwardExact(h, ctx);
      if (i === 2) h = { value: this.q_pool1.forwardExact(h.value), scale: h.scale };
      if (i === 4) h = { value: this.q_pool2.forwardExact(h.value), scale: h.scale };
    });
    for (const u of this.units) h = u.forwardExact(h.value, h.scale, ctx);
    const p = this.q_final_pool.forwardExact(h.value, h.scale, ctx.tracer);
    const a = this.q_concat_activ.forwardExact(p.value, { preActScalingFactor: p.scale }, o);
    const n = a.value.shape[0]!;
    const flat = this.q_dropout.forwardExact({
      shape: [n, a.value.data.length / n],
      data: a.value.data,
    });
    const y = this.q_fc.forwardExact(flat, a.scale, ctx.tracer, ctx.conv);
    const logitsScale = Float32Array.from(this.q_fc.fcScalingFactor, (f) =>
      Math.fround(f * a.scale),
    );
    return { logits: y.value, logitsInt: y.outInt, logitsScale };
  }

  /** NCHW with the model's input channels, H and W giving the 8x8 map of the final pool (299). */
  checkInputShape(shape: readonly number[]): void {
    const [, c, h, w] = shape;
    if (shape.length !== 4 || c !== this.spec.inChannels) {
      throw new QuantError(
        `${this.className}: expected input [N, ${this.spec.inChannels}, H, W], got [${shape}]`,
      );
    }
    const fh = inceptionFeatureSize(h!);
    const fw = inceptionFeatureSize(w!);
    if (fh !== INCEPTION_FINAL_POOL || fw !== INCEPTION_FINAL_POOL) {
      throw new QuantError(
        `${this.className}: input ${h}x${w} gives a ${fh}x${fw} final map; the hard-coded 8x8 pool needs 299x299`,
      );
    }
  }

  evaluateExact(x: Values, ctx: ExactContext = {}): ExactOutput {
    this.freeze();
    try {
      return this.forwardExact(x, ctx);
    } finally {
      this.unfreeze();
    }
  }

  calibrateExact(batches: Iterable<Values>, ctx: ExactContext = {}): void {
    this.unfreeze();
    for (const b of batches) this.forwardExact(b, ctx);
  }
}

/** Spatial size of the last stage's map for an input of size `s` (valid 3x3/2 reductions). */
export function inceptionFeatureSize(s: number): number {
  const down = (v: number) => Math.floor((v - 3) / 2) + 1;
  // conv1 3x3/2, conv2 3x3, conv3 3x3 p1, pool 3/2, conv4 1x1, conv5 3x3, pool 3/2, then the
  // stride-2 valid convs of the two reduction units
  let v = down(s) - 2;
  v = down(v) - 2;
  v = down(v);
  return down(down(v));
}
