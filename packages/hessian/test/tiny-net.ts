// A tiny conv net (2 conv+BN+ReLU blocks, global average pool, FC; 96 weights) built twice: with
// the tfjs ops the ResNets use, and as an independent float64 forward pass in plain JS, whose
// Hessian by finite differences of the loss is the brute-force reference.
import * as tf from '@tensorflow/tfjs';
import { uniformFloat32 } from 'pure-rand/distribution/uniformFloat32';
import { mersenne } from 'pure-rand/generator/mersenne';
import { crossEntropy } from '../src/loss.js';

const N = 2;
const H = 6;
const CIN = 3;
const C1 = 2;
const C2 = 2;
const CLASSES = 3;
const EPS = 1e-5;

interface Bn {
  gamma: number[];
  beta: number[];
  mean: number[];
  variance: number[];
}

export interface TinyNet {
  x: Float32Array;
  labels: Int32Array;
  conv1: tf.Variable; // HWIO [3,3,3,2]
  conv2: tf.Variable; // HWIO [3,3,2,2], stride 2
  fc: tf.Variable; // [2, 3]
  fcBias: Float32Array;
  bn1: Bn;
  bn2: Bn;
  loss: () => tf.Scalar;
  /** float64 reference loss at the given flat weights (HWIO, HWIO, [in, out]). */
  referenceLoss: (w1: Float64Array, w2: Float64Array, wfc: Float64Array) => number;
  /** float64 reference loss and the signs of every ReLU pre-activation (the linear region). */
  referenceRegion: (w1: Float64Array, w2: Float64Array, wfc: Float64Array) => string;
  dispose: () => void;
}

type Gen = ReturnType<typeof mersenne>;

function uniform(gen: Gen, n: number, scale: number): Float32Array {
  return Float32Array.from({ length: n }, () => (uniformFloat32(gen) * 2 - 1) * scale);
}

export function createTinyNet(seed = 1): TinyNet {
  const s = mersenne(seed);
  const x = uniform(s, N * H * H * CIN, 1);
  const labels = Int32Array.from([0, 2]);
  const conv1 = tf.variable(tf.tensor4d(uniform(s, 3 * 3 * CIN * C1, 0.5), [3, 3, CIN, C1]));
  const conv2 = tf.variable(tf.tensor4d(uniform(s, 3 * 3 * C1 * C2, 0.6), [3, 3, C1, C2]));
  const fc = tf.variable(tf.tensor2d(uniform(s, C2 * CLASSES, 1.5), [C2, CLASSES]));
  const fcBias = uniform(s, CLASSES, 0.3);
  const bn1 = { gamma: [1.2, 0.8], beta: [0.1, -0.05], mean: [0.05, -0.1], variance: [0.9, 1.3] };
  const bn2 = { gamma: [0.9, 1.1], beta: [0.2, 0.15], mean: [0.02, 0.1], variance: [0.7, 1.1] };
  const pads: [[number, number], [number, number], [number, number], [number, number]] = [
    [0, 0],
    [1, 1],
    [1, 1],
    [0, 0],
  ];
  const bn = (y: tf.Tensor4D, b: Bn) =>
    tf.batchNorm(y, b.mean, b.variance, b.beta, b.gamma, EPS) as tf.Tensor4D;
  const xT = tf.tensor4d(x, [N, H, H, CIN]);
  const loss = () => {
    const h1 = tf.relu(bn(tf.conv2d(xT, conv1 as tf.Tensor4D, 1, pads), bn1));
    const h2 = tf.relu(bn(tf.conv2d(h1, conv2 as tf.Tensor4D, 2, pads), bn2));
    const pooled = tf.reshape(tf.avgPool(h2, 3, 1, 'valid'), [N, C2]) as tf.Tensor2D;
    const logits = tf.add(tf.matMul(pooled, fc as tf.Tensor2D), fcBias) as tf.Tensor2D;
    return crossEntropy(logits, labels);
  };

  const xs = Float64Array.from(x);
  const forward = (w1: Float64Array, w2: Float64Array, wfc: Float64Array, margins?: number[]) => {
    const a1 = convBnRelu(xs, H, CIN, w1, C1, 1, bn1, margins);
    const h2 = Math.floor((H + 2 - 3) / 2) + 1;
    const a2 = convBnRelu(a1, H, C1, w2, C2, 2, bn2, margins);
    let total = 0;
    for (let n = 0; n < N; n++) {
      const pooled = new Float64Array(C2);
      for (let i = 0; i < h2 * h2; i++) {
        for (let c = 0; c < C2; c++) pooled[c]! += a2[(n * h2 * h2 + i) * C2 + c]! / (h2 * h2);
      }
      const logits = new Float64Array(CLASSES);
      for (let k = 0; k < CLASSES; k++) {
        logits[k] = fcBias[k]!;
        for (let c = 0; c < C2; c++) logits[k]! += pooled[c]! * wfc[c * CLASSES + k]!;
      }
      const m = Math.max(...logits);
      const lse = m + Math.log(logits.reduce((acc, l) => acc + Math.exp(l - m), 0));
      total += lse - logits[labels[n]!]!;
    }
    return total / N;
  };
  return {
    x,
    labels,
    conv1,
    conv2,
    fc,
    fcBias,
    bn1,
    bn2,
    loss,
    referenceLoss: (w1, w2, wfc) => forward(w1, w2, wfc),
    referenceRegion: (w1, w2, wfc) => {
      const pre: number[] = [];
      forward(w1, w2, wfc, pre);
      return pre.map((z) => (z > 0 ? '+' : '-')).join('');
    },
    dispose: () => tf.dispose([conv1, conv2, fc, xT]),
  };
}

/** NHWC conv (3×3, padding 1, HWIO weights) + eval BN + ReLU in float64. */
function convBnRelu(
  x: Float64Array,
  h: number,
  cin: number,
  w: Float64Array,
  cout: number,
  stride: number,
  bn: Bn,
  margins?: number[],
): Float64Array {
  const ho = Math.floor((h + 2 - 3) / stride) + 1;
  const out = new Float64Array(N * ho * ho * cout);
  for (let n = 0; n < N; n++) {
    for (let oy = 0; oy < ho; oy++) {
      for (let ox = 0; ox < ho; ox++) {
        for (let co = 0; co < cout; co++) {
          let acc = 0;
          for (let ky = 0; ky < 3; ky++) {
            const iy = oy * stride + ky - 1;
            if (iy < 0 || iy >= h) continue;
            for (let kx = 0; kx < 3; kx++) {
              const ix = ox * stride + kx - 1;
              if (ix < 0 || ix >= h) continue;
              for (let ci = 0; ci < cin; ci++) {
                acc +=
                  x[((n * h + iy) * h + ix) * cin + ci]! *
                  w[((ky * 3 + kx) * cin + ci) * cout + co]!;
              }
            }
          }
          const z =
            ((acc - bn.mean[co]!) / Math.sqrt(bn.variance[co]! + EPS)) * bn.gamma[co]! +
            bn.beta[co]!;
          margins?.push(z);
          out[((n * ho + oy) * ho + ox) * cout + co] = Math.max(z, 0);
        }
      }
    }
  }
  return out;
}

/**
 * Brute-force Hessian of the float64 reference over all weights (conv1, conv2, fc flattened in
 * that order) by central second differences of the loss: O(ε²) truncation, ~1e-16/ε² rounding.
 */
export function referenceHessian(
  net: TinyNet,
  eps = 1e-4,
): { h: Float64Array; n: number; sizes: number[]; kinksCrossed: number } {
  const parts = [net.conv1, net.conv2, net.fc].map((v) => Float64Array.from(v.dataSync()));
  const sizes = parts.map((p) => p.length);
  const n = sizes.reduce((a, b) => a + b, 0);
  const w = new Float64Array(n);
  let o = 0;
  for (const p of parts) {
    w.set(p, o);
    o += p.length;
  }
  const split = (v: Float64Array): [Float64Array, Float64Array, Float64Array] => [
    v.subarray(0, sizes[0]),
    v.subarray(sizes[0], sizes[0]! + sizes[1]!),
    v.subarray(sizes[0]! + sizes[1]!),
  ];
  const region = net.referenceRegion(...split(w));
  let kinksCrossed = 0;
  // Every evaluation point must lie in the base point's linear region of the ReLUs, or the
  // differences would measure a kink instead of the (almost everywhere) Hessian.
  const f = (v: Float64Array) => {
    const parts = split(v);
    if (net.referenceRegion(...parts) !== region) kinksCrossed++;
    return net.referenceLoss(...parts);
  };
  const at = (i: number, di: number, j: number, dj: number) => {
    const v = Float64Array.from(w);
    v[i]! += di;
    v[j]! += dj;
    return f(v);
  };
  const h = new Float64Array(n * n);
  const f0 = f(w);
  for (let i = 0; i < n; i++) {
    h[i * n + i] = (at(i, eps, i, 0) - 2 * f0 + at(i, -eps, i, 0)) / (eps * eps);
    for (let j = 0; j < i; j++) {
      const v =
        (at(i, eps, j, eps) - at(i, eps, j, -eps) - at(i, -eps, j, eps) + at(i, -eps, j, -eps)) /
        (4 * eps * eps);
      h[i * n + j] = v;
      h[j * n + i] = v;
    }
  }
  return { h, n, sizes, kinksCrossed };
}
