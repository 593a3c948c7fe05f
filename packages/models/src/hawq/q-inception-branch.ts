// HAWQ's Q_InceptConv and the five Inception branch kinds on the exact path. Every branch starts
// with its own q_input_act (requantizing the previous unit's output, weight scale 1) and ends on
// its own scale; the unit's q_rescaling_activ then brings all branches to one scale.
import {
  INCEPTION_BN_EPS,
  type InceptBranch,
  type InceptUnit,
  QuantAct,
  QuantAveragePool2d,
  QuantBnConv2d,
  QuantMaxPool2d,
  type Values,
} from '@hawq-ts/core';
import { requantConcatExact } from './q-inception-concat.js';
import { branchConvSites, branchPrefix, type InceptConvSite } from './q-inception-spec.js';
import type { QModule } from './q-model.js';
import type { ExactContext } from './q-unit.js';
import { reluValues } from './relu.js';

export interface ScaledValues {
  value: Values;
  scale: number;
}

/** Q_InceptConv: q_convbn (folded BN, eps 1e-3) → ReLU → q_activ (case 0, per-channel s_w). */
export class QInceptConv {
  readonly q_convbn: QuantBnConv2d;
  readonly q_activ: QuantAct;

  constructor(readonly site: InceptConvSite) {
    const { def, inChannels } = site;
    this.q_convbn = new QuantBnConv2d(
      `${site.hawq}.q_convbn`,
      [def.out, inChannels, def.kernel[0], def.kernel[1]],
      { stride: [def.stride, def.stride], padding: def.padding, eps: INCEPTION_BN_EPS },
    );
    this.q_activ = new QuantAct(`${site.hawq}.q_activ`);
  }

  get name(): string {
    return this.site.hawq;
  }

  modules(): [string, QModule][] {
    return [
      [this.q_convbn.name, this.q_convbn],
      [this.q_activ.name, this.q_activ],
    ];
  }

  forwardExact(x: ScaledValues, ctx: ExactContext): ScaledValues {
    const c = this.q_convbn.forwardExact(x.value, x.scale, ctx.conv);
    const a = this.q_activ.forwardExact(
      reluValues(c.value),
      { preActScalingFactor: x.scale, preWeightScalingFactor: c.weightScale },
      { tracer: ctx.tracer, arithmetic: ctx.arithmetic },
    );
    return { value: a.value, scale: a.scale };
  }
}

/**
 * One branch of an Inception unit. `convs` holds q_conv (1x1 and avg-pool branches) or
 * q_conv_list.q_convN (sequence branches); `split` the parallel q_conv1x3 / q_conv3x1 of a
 * ConvSeq3x3Branch, concatenated and requantized by the branch's own q_rescaling_activ.
 */
export class QInceptBranch {
  readonly kind: InceptBranch['kind'];
  readonly q_input_act: QuantAct;
  readonly convs: QInceptConv[];
  readonly split: [QInceptConv, QInceptConv] | undefined;
  readonly q_rescaling_activ: QuantAct | undefined;
  /** AvgPoolBranch: AvgPool2d(3, 1, 1), count_include_pad as PyTorch's default */
  readonly avgPool: QuantAveragePool2d | undefined;
  readonly q_pool_act: QuantAct | undefined;
  /** MaxPoolBranch: MaxPool2d(3, 2, 0) */
  readonly maxPool: QuantMaxPool2d | undefined;

  constructor(
    readonly name: string,
    branch: InceptBranch,
    sites: InceptConvSite[],
  ) {
    this.kind = branch.kind;
    this.q_input_act = new QuantAct(`${name}.q_input_act`);
    const convs = sites.map((s) => new QInceptConv(s));
    if (branch.kind === 'seq3x3') {
      this.split = [convs[convs.length - 2]!, convs[convs.length - 1]!];
      this.convs = convs.slice(0, -2);
      this.q_rescaling_activ = new QuantAct(`${name}.q_rescaling_activ`);
    } else {
      this.convs = convs;
    }
    if (branch.kind === 'avgpool') {
      this.avgPool = new QuantAveragePool2d(`${name}.q_pool`, 3, 1, 1);
      this.q_pool_act = new QuantAct(`${name}.q_pool_act`);
    }
    if (branch.kind === 'maxpool') this.maxPool = new QuantMaxPool2d(`${name}.q_pool`, 3, 2, 0);
  }

  /** Branch b of a unit whose input has `inChannels` channels. */
  static create(unit: InceptUnit, b: number, inChannels: number): QInceptBranch {
    return new QInceptBranch(
      branchPrefix(unit, b),
      unit.branches[b]!,
      branchConvSites(unit, b, inChannels),
    );
  }

  /** Stateful modules in HAWQ's registration order (= state_dict order). */
  modules(): [string, QModule][] {
    const out: [string, QModule][] = [[this.q_input_act.name, this.q_input_act]];
    if (this.q_pool_act) out.push([this.q_pool_act.name, this.q_pool_act]);
    for (const c of this.convs) out.push(...c.modules());
    if (this.split) for (const c of this.split) out.push(...c.modules());
    if (this.q_rescaling_activ) out.push([this.q_rescaling_activ.name, this.q_rescaling_activ]);
    return out;
  }

  /** x: the previous unit's (or init block's) output on scale s. */
  forwardExact(x: Values, s: number, ctx: ExactContext): ScaledValues {
    const o = { tracer: ctx.tracer, arithmetic: ctx.arithmetic };
    const a = this.q_input_act.forwardExact(x, { preActScalingFactor: s }, o);
    let h: ScaledValues = { value: a.value, scale: a.scale };
    if (this.maxPool) return { value: this.maxPool.forwardExact(h.value), scale: h.scale };
    if (this.avgPool && this.q_pool_act) {
      const p = this.avgPool.forwardExact(h.value, h.scale, ctx.tracer);
      const q = this.q_pool_act.forwardExact(p.value, { preActScalingFactor: p.scale }, o);
      h = { value: q.value, scale: q.scale };
    }
    for (const c of this.convs) h = c.forwardExact(h, ctx);
    if (this.split && this.q_rescaling_activ) {
      const parts = this.split.map((c) => c.forwardExact(h, ctx));
      const r = requantConcatExact(this.q_rescaling_activ, parts, o);
      return { value: r.value, scale: r.scale };
    }
    return h;
  }
}
