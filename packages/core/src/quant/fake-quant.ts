// The tfjs fake-quantization path (training): float32 tensors with HAWQ's straight-through
// gradients. Scales and integers come from the same exact JS code as the integer path, so the
// forward values equal HAWQ's up to tfjs' float32 convolution order; gradients follow HAWQ's
// autograd (golden README, "One-step QAT case").
import * as tf from '@tensorflow/tfjs';
import { f32 } from './float32.js';
import type { QuantAct } from './quant-act.js';
import type { QuantBnConv2d } from './quant-bn-conv2d.js';
import type { QuantLinear } from './quant-linear.js';
import type { QuantAveragePool2d } from './quant-pool.js';
import { mulScales } from './quantize.js';
import {
  channelVector,
  conv2dNCHW,
  passThrough,
  quantizeSTE,
  steRound,
  steTruncEps,
} from './ste.js';
import type { Tracer } from './trace.js';
import { quantizeWeight } from './weight-quant.js';

export interface TfQuantActInputs {
  preActScalingFactor?: number;
  preWeightScalingFactor?: Float32Array;
  identity?: tf.Tensor;
  identityScalingFactor?: number;
  identityWeightScalingFactor?: Float32Array;
}

/**
 * QuantAct on tfjs: range update, quantization and dyadic requantization run exactly in JS
 * (HAWQ's float64 arithmetic is not available in tfjs); the result enters the graph with the
 * identity gradient HAWQ's STE yields (grad / s_out, then * s_out).
 */
export function quantActForward(
  act: QuantAct,
  x: tf.Tensor,
  inputs: TfQuantActInputs = {},
  tracer?: Tracer,
): { y: tf.Tensor; scale: number } {
  if (act.fullPrecisionFlag) return { y: x, scale: 1 };
  const { identity, ...rest } = inputs;
  const r = act.forwardExact(
    { shape: x.shape, data: x.dataSync() as Float32Array },
    {
      ...rest,
      ...(identity
        ? { identity: { shape: identity.shape, data: identity.dataSync() as Float32Array } }
        : {}),
    },
    tracer ? { tracer } : {},
  );
  return { y: passThrough(x, r.value.data), scale: r.scale };
}

/** QuantBnConv2d on tfjs: folded BN (fix-BN) or HAWQ's unfolded training path. */
export function bnConvForward(
  m: QuantBnConv2d,
  x: tf.Tensor4D,
  sIn: number,
): { y: tf.Tensor4D; weightScale: Float32Array } {
  const folded = m.stepFoldDecision();
  const W = m.weight.asVariable() as tf.Tensor4D;
  const gamma = m.bnWeight.asVariable();
  const beta = m.bnBias.asVariable();
  const cout = m.outChannels;
  const { stride, padding } = m.geometry;
  if (folded) {
    const f = m.fold(sIn);
    return tf.tidy(() => {
      const mean = tf.tensor1d(m.runningMean.read());
      const std = tf.sqrt(tf.add(tf.tensor1d(m.runningVar.read()), f32(m.eps)));
      const k = tf.div(gamma, std);
      const wf = tf.mul(W, tf.reshape(k, [cout, 1, 1, 1])) as tf.Tensor4D;
      const convBias = m.bias ? m.bias.asVariable() : tf.zeros([cout]);
      const bf = tf.add(tf.mul(tf.sub(convBias, mean), k), beta);
      const wInt = quantizeSTE(wf, f.weightInteger, broadcast(f.weightScale, cout), [
        cout,
        1,
        1,
        1,
      ]);
      const bInt = quantizeSTE(bf, f.biasInteger, broadcast(f.outputScale, cout), [cout]);
      const xInt = tf.div(x, f32(sIn)) as tf.Tensor4D;
      const acc = tf.add(
        conv2dNCHW(xInt, wInt, stride, padding),
        tf.reshape(bInt, [1, cout, 1, 1]),
      );
      const y = tf.mul(acc, channelVector(broadcast(f.outputScale, cout))) as tf.Tensor4D;
      return { y, weightScale: f.weightScale };
    });
  }
  return unfoldedForward(m, x, W, gamma, beta);
}

function unfoldedForward(
  m: QuantBnConv2d,
  x: tf.Tensor4D,
  W: tf.Tensor4D,
  gamma: tf.Variable,
  beta: tf.Variable,
): { y: tf.Tensor4D; weightScale: Float32Array } {
  const cout = m.outChannels;
  const q = quantizeWeight(m.weight.read(), cout, m.q, m.name);
  const out = tf.tidy(() => {
    const wInt = quantizeSTE(W, q.integer, broadcast(q.scale, cout), [cout, 1, 1, 1]);
    let conv: tf.Tensor4D = conv2dNCHW(x, wInt, m.geometry.stride, m.geometry.padding);
    if (m.bias) conv = tf.add(conv, tf.reshape(m.bias.asVariable(), [1, cout, 1, 1]));
    conv = tf.mul(conv, channelVector(broadcast(q.scale, cout)));
    const n = conv.shape[0] * conv.shape[2] * conv.shape[3];
    const mean = tf.mean(conv, [0, 2, 3]);
    // torch.var is unbiased (n - 1)
    const variance = tf.div(
      tf.sum(tf.square(tf.sub(conv, tf.reshape(mean, [1, cout, 1, 1]))), [0, 2, 3]),
      n - 1,
    );
    const factor = tf.div(gamma, tf.sqrt(tf.add(variance, f32(m.eps))));
    const y = tf.add(
      tf.mul(tf.reshape(factor, [1, cout, 1, 1]), tf.sub(conv, tf.reshape(mean, [1, cout, 1, 1]))),
      tf.reshape(beta, [1, cout, 1, 1]),
    ) as tf.Tensor4D;
    return {
      y,
      mean: mean.dataSync() as Float32Array,
      variance: variance.dataSync() as Float32Array,
      factor: factor.dataSync() as Float32Array,
    };
  });
  // HAWQ's reversed momentum: running = 0.99 * running + 0.01 * batch (float32 steps)
  const keep = f32(m.bnMomentum);
  const take = f32(1 - m.bnMomentum);
  const rm = m.runningMean.read();
  const rv = m.runningVar.read();
  m.runningMean.assign(
    Float32Array.from(rm, (v, c) => f32(f32(v * keep) + f32(take * out.mean[c]!))),
  );
  m.runningVar.assign(
    Float32Array.from(rv, (v, c) => f32(f32(v * keep) + f32(take * out.variance[c]!))),
  );
  return { y: out.y, weightScale: mulScales(broadcast(q.scale, cout), out.factor) };
}

/** QuantLinear on tfjs: y = ste_round(x/s_in · W_intᵀ + b_int) · (s_fc · s_in). */
export function linearForward(m: QuantLinear, x: tf.Tensor2D, sIn: number): tf.Tensor2D {
  const outScale = m.quantize(sIn);
  const o = m.outFeatures;
  return tf.tidy(() => {
    const wInt = quantizeSTE(
      m.weight.asVariable() as tf.Tensor2D,
      m.weightInteger,
      broadcast(m.fcScalingFactor, o),
      [o, 1],
    );
    const bInt = quantizeSTE(m.bias.asVariable(), m.biasInteger, broadcast(outScale, o), [o]);
    const xInt = tf.div(x, f32(sIn)) as tf.Tensor2D;
    const acc = steRound(tf.add(tf.matMul(xInt, wInt, false, true), bInt) as tf.Tensor2D);
    return tf.mul(acc, tf.tensor2d(broadcast(outScale, o), [1, o])) as tf.Tensor2D;
  });
}

/** QuantAveragePool2d on tfjs: round, average, trunc(x + 0.01), all with identity gradients. */
export function avgPoolForward(m: QuantAveragePool2d, x: tf.Tensor4D, scale: number): tf.Tensor4D {
  return tf.tidy(() => {
    const xInt = steRound(tf.div(x, f32(scale)) as tf.Tensor4D);
    const nhwc = tf.transpose(xInt, [0, 2, 3, 1]) as tf.Tensor4D;
    // PyTorch's AvgPool2d counts the zero padding in the average (count_include_pad=True);
    // tfjs' numeric padding leaves it out, so pad explicitly and pool 'valid'.
    const p = m.padding;
    const padded =
      p === 0
        ? nhwc
        : tf.pad(nhwc, [
            [0, 0],
            [p, p],
            [p, p],
            [0, 0],
          ]);
    const pooled = tf.avgPool(padded, m.kernelSize, m.stride, 'valid');
    const t = steTruncEps(tf.transpose(pooled, [0, 3, 1, 2]) as tf.Tensor4D, f32(0.01));
    return tf.mul(t, f32(scale)) as tf.Tensor4D;
  });
}

/** MaxPool2d (PyTorch padding semantics: -inf padding) on NCHW. */
export function maxPoolForward(
  x: tf.Tensor4D,
  kernel: number,
  stride: number,
  padding: number,
): tf.Tensor4D {
  return tf.tidy(() => {
    let nhwc = tf.transpose(x, [0, 2, 3, 1]) as tf.Tensor4D;
    if (padding > 0) {
      nhwc = tf.pad(
        nhwc,
        [
          [0, 0],
          [padding, padding],
          [padding, padding],
          [0, 0],
        ],
        Number.NEGATIVE_INFINITY,
      );
    }
    return tf.transpose(tf.maxPool(nhwc, kernel, stride, 'valid'), [0, 3, 1, 2]) as tf.Tensor4D;
  });
}

function broadcast(v: Float32Array, n: number): Float32Array {
  return v.length === n ? v : new Float32Array(n).fill(v[0]!);
}
