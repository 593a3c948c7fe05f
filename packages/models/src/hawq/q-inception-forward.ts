// The tfjs fake-quant (training) forward of Q_InceptionV3: the same module order as the exact
// path, with HAWQ's straight-through gradients (see @hawq-ts/core fake-quant.ts).
import {
  avgPoolForward,
  bnConvForward,
  linearForward,
  maxPoolForward,
  QuantAveragePool2d,
  quantActForward,
} from '@hawq-ts/core';
import * as tf from '@tensorflow/tfjs';
import type { TfForwardOptions } from './q-forward.js';
import type { QInceptionV3 } from './q-inception.js';
import type { QInceptBranch, QInceptConv } from './q-inception-branch.js';
import { requantConcatForward } from './q-inception-concat.js';

export interface InceptionForwardOptions extends TfForwardOptions {
  /** apply output.q_dropout (p = 0.5) as HAWQ's model.train() does; default false */
  training?: boolean;
  /** seed of the dropout mask, so a resumed run draws the same masks (default: unseeded) */
  dropoutSeed?: number;
}

interface Scaled {
  y: tf.Tensor4D;
  scale: number;
}

function convForward(c: QInceptConv, x: Scaled, o: TfForwardOptions): Scaled {
  const r = bnConvForward(c.q_convbn, x.y, x.scale);
  const a = quantActForward(
    c.q_activ,
    tf.relu(r.y),
    { preActScalingFactor: x.scale, preWeightScalingFactor: r.weightScale },
    o.tracer,
  );
  return { y: a.y as tf.Tensor4D, scale: a.scale };
}

/**
 * AvgPool2d(3, 1, 1) counts the zero padding (PyTorch's count_include_pad=True); tfjs' padded
 * avgPool does not, so pad explicitly and pool 'valid' (zeros stay zeros on the integer grid).
 */
const validAvgPool = new QuantAveragePool2d('inception-branch-avgpool', 3, 1, 0);

function avgPoolBranchPool(x: Scaled): Scaled {
  const padded = tf.pad(x.y, [
    [0, 0],
    [0, 0],
    [1, 1],
    [1, 1],
  ]) as tf.Tensor4D;
  return { y: avgPoolForward(validAvgPool, padded, x.scale), scale: x.scale };
}

function branchForward(b: QInceptBranch, x: tf.Tensor4D, s: number, o: TfForwardOptions): Scaled {
  const a = quantActForward(b.q_input_act, x, { preActScalingFactor: s }, o.tracer);
  let h: Scaled = { y: a.y as tf.Tensor4D, scale: a.scale };
  if (b.maxPool) return { y: maxPoolForward(h.y, 3, 2, 0), scale: h.scale };
  if (b.avgPool && b.q_pool_act) {
    const p = avgPoolBranchPool(h);
    const q = quantActForward(b.q_pool_act, p.y, { preActScalingFactor: p.scale }, o.tracer);
    h = { y: q.y as tf.Tensor4D, scale: q.scale };
  }
  for (const c of b.convs) h = convForward(c, h, o);
  if (b.split && b.q_rescaling_activ) {
    const parts = b.split.map((c) => convForward(c, h, o));
    return requantConcatForward(b.q_rescaling_activ, parts, o.tracer);
  }
  return h;
}

/** Fake-quant forward of Q_InceptionV3; x is NCHW float32 (299x299). Returns float32 logits. */
export function qInceptionV3Forward(
  model: QInceptionV3,
  x: tf.Tensor4D,
  o: InceptionForwardOptions = {},
): tf.Tensor2D {
  model.checkInputShape(x.shape);
  const q = quantActForward(model.q_input_activ, x, {}, o.tracer);
  let h: Scaled = { y: q.y as tf.Tensor4D, scale: q.scale };
  model.initConvs.forEach((c, i) => {
    h = convForward(c, h, o);
    if (i === 2 || i === 4) h = { y: maxPoolForward(h.y, 3, 2, 0), scale: h.scale };
  });
  for (const u of model.units) {
    const input = h;
    const parts = u.branches.map((b) => branchForward(b, input.y, input.scale, o));
    h = requantConcatForward(u.q_rescaling_activ, parts, o.tracer);
  }
  const p = avgPoolForward(model.q_final_pool, h.y, h.scale);
  const a = quantActForward(model.q_concat_activ, p, { preActScalingFactor: h.scale }, o.tracer);
  let flat = tf.reshape(a.y, [a.y.shape[0]!, -1]) as tf.Tensor2D;
  if (o.training && model.q_dropout.p > 0)
    flat = tf.dropout(flat, model.q_dropout.p, undefined, o.dropoutSeed) as tf.Tensor2D;
  return linearForward(model.q_fc, flat, a.scale);
}
