// The tfjs fake-quant forward of Q_ResNet (training path): same module order as the exact path,
// with HAWQ's straight-through gradients (see @hawq-ts/core fake-quant.ts).
import {
  avgPoolForward,
  bnConvForward,
  linearForward,
  maxPoolForward,
  quantActForward,
  type Tracer,
} from '@hawq-ts/core';
import * as tf from '@tensorflow/tfjs';
import type { QResNet } from './q-resnet.js';
import type { QResUnit } from './q-unit.js';

export interface TfForwardOptions {
  tracer?: Tracer;
}

function unitForward(
  u: QResUnit,
  x: tf.Tensor4D,
  s16: number,
  o: TfForwardOptions,
): { y: tf.Tensor4D; scale: number } {
  let identity: tf.Tensor4D;
  let idScale: number;
  let idWeight: Float32Array | undefined;
  let a: { y: tf.Tensor; scale: number };
  if (u.quant_identity_convbn) {
    a = quantActForward(u.quant_act, x, { preActScalingFactor: s16 }, o.tracer);
    const id = bnConvForward(u.quant_identity_convbn, a.y as tf.Tensor4D, a.scale);
    identity = id.y;
    idScale = a.scale;
    idWeight = id.weightScale;
  } else {
    identity = x;
    a = quantActForward(u.quant_act, x, { preActScalingFactor: s16 }, o.tracer);
    idScale = s16;
  }
  const c1 = bnConvForward(u.quant_convbn1, a.y as tf.Tensor4D, a.scale);
  let b = quantActForward(
    u.quant_act1,
    tf.relu(c1.y),
    { preActScalingFactor: a.scale, preWeightScalingFactor: c1.weightScale },
    o.tracer,
  );
  let last = bnConvForward(u.quant_convbn2, b.y as tf.Tensor4D, b.scale);
  if (u.quant_act2 && u.quant_convbn3) {
    b = quantActForward(
      u.quant_act2,
      tf.relu(last.y),
      { preActScalingFactor: b.scale, preWeightScalingFactor: last.weightScale },
      o.tracer,
    );
    last = bnConvForward(u.quant_convbn3, b.y as tf.Tensor4D, b.scale);
  }
  const z = tf.add(last.y, identity);
  const out = quantActForward(
    u.quant_act_int32,
    z,
    {
      preActScalingFactor: b.scale,
      preWeightScalingFactor: last.weightScale,
      identity,
      identityScalingFactor: idScale,
      ...(idWeight ? { identityWeightScalingFactor: idWeight } : {}),
    },
    o.tracer,
  );
  return { y: tf.relu(out.y) as tf.Tensor4D, scale: out.scale };
}

/** Fake-quant forward of the whole model; x is NCHW float32. Returns float32 logits. */
export function qResNetForward(
  model: QResNet,
  x: tf.Tensor4D,
  o: TfForwardOptions = {},
): tf.Tensor2D {
  model.checkInputShape(x.shape);
  const finalPool = model.finalPoolFor(x.shape);
  const q = quantActForward(model.quant_input, x, {}, o.tracer);
  const stem = bnConvForward(model.initConv, q.y as tf.Tensor4D, q.scale);
  const pooled = maxPoolForward(stem.y, 3, 2, 1);
  const a = quantActForward(
    model.quant_act_int32,
    pooled,
    { preActScalingFactor: q.scale, preWeightScalingFactor: stem.weightScale },
    o.tracer,
  );
  let y = tf.relu(a.y) as tf.Tensor4D;
  let s = a.scale;
  for (const u of model.units) ({ y, scale: s } = unitForward(u, y, s, o));
  const p = avgPoolForward(finalPool, y, s);
  const out = quantActForward(model.quant_act_output, p, { preActScalingFactor: s }, o.tracer);
  const flat = tf.reshape(out.y, [out.y.shape[0]!, -1]) as tf.Tensor2D;
  return linearForward(model.quant_output, flat, out.scale);
}

/** HAWQ's named_parameters() order: conv.weight, bn.weight, bn.bias per conv, then the Linear. */
export function trainableVariables(model: Pick<QResNet, 'namedModules'>): tf.Variable[] {
  const out: tf.Variable[] = [];
  for (const [, m] of model.namedModules()) {
    if ('bnWeight' in m) {
      out.push(m.weight.asVariable());
      if (m.bias) out.push(m.bias.asVariable());
      out.push(m.bnWeight.asVariable(), m.bnBias.asVariable());
    } else if ('fcScalingFactor' in m) {
      out.push(m.weight.asVariable(), m.bias.asVariable());
    }
  }
  return out;
}
