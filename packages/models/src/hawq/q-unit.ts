// HAWQ's Q_ResBlockBn (basic) and Q_ResUnitBn (bottleneck) on the exact path.
import {
  type ConvArithmetic,
  QuantAct,
  type QuantActResult,
  QuantBnConv2d,
  type RequantArithmetic,
  type Tracer,
  type Values,
} from '@hawq-ts/core';
import { addValues, reluValues } from './relu.js';
import type { QUnitSpec } from './spec.js';

export interface ExactContext {
  tracer?: Tracer;
  /** requantization arithmetic: HAWQ's float64 (default) or exact integers */
  arithmetic?: RequantArithmetic;
  /** convolution arithmetic: PyTorch float32 order (default, bit-exact with HAWQ) or integers */
  conv?: ConvArithmetic;
}

export class QResUnit {
  readonly quant_act: QuantAct;
  readonly quant_convbn1: QuantBnConv2d;
  readonly quant_act1: QuantAct;
  readonly quant_convbn2: QuantBnConv2d;
  readonly quant_act2: QuantAct | undefined;
  readonly quant_convbn3: QuantBnConv2d | undefined;
  readonly quant_identity_convbn: QuantBnConv2d | undefined;
  readonly quant_act_int32: QuantAct;

  constructor(readonly spec: QUnitSpec) {
    const n = (m: string) => `${spec.name}.${m}`;
    const { inChannels: cin, midChannels: mid, outChannels: cout, stride } = spec;
    this.quant_act = new QuantAct(n('quant_act'));
    if (spec.bottleneck) {
      const s1 = spec.conv1Stride ? stride : 1;
      const s2 = spec.conv1Stride ? 1 : stride;
      this.quant_convbn1 = new QuantBnConv2d(n('quant_convbn1'), [mid, cin, 1, 1], {
        stride: [s1, s1],
      });
      this.quant_act1 = new QuantAct(n('quant_act1'));
      this.quant_convbn2 = new QuantBnConv2d(n('quant_convbn2'), [mid, mid, 3, 3], {
        stride: [s2, s2],
        padding: [1, 1],
      });
      this.quant_act2 = new QuantAct(n('quant_act2'));
      this.quant_convbn3 = new QuantBnConv2d(n('quant_convbn3'), [cout, mid, 1, 1]);
    } else {
      this.quant_convbn1 = new QuantBnConv2d(n('quant_convbn1'), [cout, cin, 3, 3], {
        stride: [stride, stride],
        padding: [1, 1],
      });
      this.quant_act1 = new QuantAct(n('quant_act1'));
      this.quant_convbn2 = new QuantBnConv2d(n('quant_convbn2'), [cout, cout, 3, 3], {
        padding: [1, 1],
      });
    }
    if (spec.resizeIdentity) {
      this.quant_identity_convbn = new QuantBnConv2d(
        n('quant_identity_convbn'),
        [cout, cin, 1, 1],
        {
          stride: [stride, stride],
        },
      );
    }
    this.quant_act_int32 = new QuantAct(n('quant_act_int32'));
  }

  /** Modules in HAWQ's registration order (= state_dict order), with their local names. */
  modules(): [string, QuantAct | QuantBnConv2d][] {
    const out: [string, QuantAct | QuantBnConv2d][] = [
      ['quant_act', this.quant_act],
      ['quant_convbn1', this.quant_convbn1],
      ['quant_act1', this.quant_act1],
      ['quant_convbn2', this.quant_convbn2],
    ];
    if (this.quant_act2 && this.quant_convbn3) {
      out.push(['quant_act2', this.quant_act2], ['quant_convbn3', this.quant_convbn3]);
    }
    if (this.quant_identity_convbn) out.push(['quant_identity_convbn', this.quant_identity_convbn]);
    out.push(['quant_act_int32', this.quant_act_int32]);
    return out;
  }

  /** x: the ReLU'd output of the previous 16-bit quantizer, at scale s16. */
  forwardExact(x: Values, s16: number, ctx: ExactContext): { value: Values; scale: number } {
    const o = { tracer: ctx.tracer, arithmetic: ctx.arithmetic };
    let a: QuantActResult;
    let identity: Values;
    let idScale: number;
    let idWeight: Float32Array | undefined;
    if (this.quant_identity_convbn) {
      a = this.quant_act.forwardExact(x, { preActScalingFactor: s16 }, o);
      const id = this.quant_identity_convbn.forwardExact(a.value, a.scale, ctx.conv);
      identity = id.value;
      idScale = a.scale;
      idWeight = id.weightScale;
    } else {
      identity = x;
      a = this.quant_act.forwardExact(x, { preActScalingFactor: s16 }, o);
      idScale = s16;
    }
    const c1 = this.quant_convbn1.forwardExact(a.value, a.scale, ctx.conv);
    let b = this.quant_act1.forwardExact(
      reluValues(c1.value),
      { preActScalingFactor: a.scale, preWeightScalingFactor: c1.weightScale },
      o,
    );
    let last = this.quant_convbn2.forwardExact(b.value, b.scale, ctx.conv);
    if (this.quant_act2 && this.quant_convbn3) {
      b = this.quant_act2.forwardExact(
        reluValues(last.value),
        { preActScalingFactor: b.scale, preWeightScalingFactor: last.weightScale },
        o,
      );
      last = this.quant_convbn3.forwardExact(b.value, b.scale, ctx.conv);
    }
    const z = addValues(last.value, identity);
    const out = this.quant_act_int32.forwardExact(
      z,
      {
        preActScalingFactor: b.scale,
        preWeightScalingFactor: last.weightScale,
        identity,
        identityScalingFactor: idScale,
        ...(idWeight ? { identityWeightScalingFactor: idWeight } : {}),
      },
      o,
    );
    return { value: reluValues(out.value), scale: out.scale };
  }
}
