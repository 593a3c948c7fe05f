import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerFastConv2dGradient } from '../src/kernels/index.js';

type Pad =
  | 'same'
  | 'valid'
  | [[number, number], [number, number], [number, number], [number, number]];
interface Case {
  name: string;
  x: [number, number, number, number];
  k: number;
  cout: number;
  stride: number;
  pad: Pad;
}

const explicit = (t: number, b: number, l: number, r: number): Pad => [
  [0, 0],
  [t, b],
  [l, r],
  [0, 0],
];

const CASES: Case[] = [
  { name: '3x3 s1 same', x: [2, 7, 6, 3], k: 3, cout: 4, stride: 1, pad: 'same' },
  { name: '3x3 s2 same (odd input)', x: [2, 9, 9, 3], k: 3, cout: 5, stride: 2, pad: 'same' },
  {
    name: '3x3 s2 explicit 1',
    x: [1, 8, 7, 2],
    k: 3,
    cout: 3,
    stride: 2,
    pad: explicit(1, 1, 1, 1),
  },
  { name: '1x1 s1 valid', x: [3, 5, 5, 4], k: 1, cout: 6, stride: 1, pad: 'valid' },
  { name: '1x1 s2 valid (even input)', x: [2, 8, 8, 4], k: 1, cout: 3, stride: 2, pad: 'valid' },
  {
    name: '7x7 s2 explicit 3 (stem)',
    x: [1, 13, 12, 3],
    k: 7,
    cout: 4,
    stride: 2,
    pad: explicit(3, 3, 3, 3),
  },
  { name: '7x7 s1 valid', x: [2, 9, 10, 2], k: 7, cout: 3, stride: 1, pad: 'valid' },
  { name: '3x3 s2 valid', x: [2, 10, 11, 3], k: 3, cout: 2, stride: 2, pad: 'valid' },
  {
    name: '3x3 s1 asymmetric explicit',
    x: [1, 6, 6, 2],
    k: 3,
    cout: 2,
    stride: 1,
    pad: explicit(2, 0, 0, 1),
  },
];

function randomInputs(c: Case, seed: number) {
  const x = tf.randomNormal(c.x, 0, 1, 'float32', seed) as tf.Tensor4D;
  const w = tf.randomNormal([c.k, c.k, c.x[3], c.cout], 0, 0.5, 'float32', seed + 1) as tf.Tensor4D;
  const out = tf.conv2d(x, w, c.stride, c.pad);
  const r = tf.randomNormal(out.shape, 0, 1, 'float32', seed + 2);
  out.dispose();
  return { x, w, r };
}

/** Gradients of L = Σ conv(x, w) · r with respect to x and w. */
function grads(c: Case, x: tf.Tensor4D, w: tf.Tensor4D, r: tf.Tensor) {
  const f = (xx: tf.Tensor4D, ww: tf.Tensor4D) =>
    tf.sum(tf.mul(tf.conv2d(xx, ww, c.stride, c.pad), r));
  const [dx, dw] = tf.grads(f as (...a: tf.Tensor[]) => tf.Tensor)([x, w]);
  return { dx: dx!.arraySync() as number[][][][], dw: dw!.arraySync() as number[][][][] };
}

const flat = (a: unknown): number[] => (a as number[]).flat(3) as number[];
const maxAbs = (a: number[]) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
function expectClose(actual: number[], expected: number[], rel = 1e-4) {
  expect(actual.length).toBe(expected.length);
  const tol = rel * Math.max(1, maxAbs(expected));
  let worst = 0;
  for (let i = 0; i < actual.length; i++)
    worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  expect(worst).toBeLessThanOrEqual(tol);
}

// Native gradients from tfjs's cpu kernels, taken before the override is registered.
const reference = new Map<string, { dx: number[]; dw: number[] }>();

beforeAll(async () => {
  await tf.setBackend('cpu');
  CASES.forEach((c, i) => {
    const { x, w, r } = randomInputs(c, 100 + i);
    const g = grads(c, x, w, r);
    reference.set(c.name, { dx: flat(g.dx), dw: flat(g.dw) });
    tf.dispose([x, w, r]);
  });
  registerFastConv2dGradient();
  registerFastConv2dGradient(); // idempotent
  expect(await tf.setBackend('wasm')).toBe(true);
});

describe('registerFastConv2dGradient on wasm', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s matches the cpu native gradient', (_, c) => {
    const i = CASES.indexOf(c);
    // Same seeds on wasm generate the same inputs (tfjs' PRNG is backend independent).
    const { x, w, r } = randomInputs(c, 100 + i);
    const g = grads(c, x, w, r);
    const ref = reference.get(c.name)!;
    expectClose(flat(g.dx), ref.dx);
    expectClose(flat(g.dw), ref.dw);
    tf.dispose([x, w, r]);
  });

  it.each(CASES.slice(0, 6).map((c) => [c.name, c] as const))(
    '%s matches finite differences',
    (_, c) => {
      const { x, w, r } = randomInputs(c, 7);
      const g = grads(c, x, w, r);
      const xs = Float32Array.from(x.dataSync());
      const ws = Float32Array.from(w.dataSync());
      const loss = (xv: Float32Array, wv: Float32Array) =>
        tf.tidy(
          () =>
            tf
              .sum(
                tf.mul(
                  tf.conv2d(tf.tensor4d(xv, c.x), tf.tensor4d(wv, w.shape), c.stride, c.pad),
                  r,
                ),
              )
              .dataSync()[0]!,
        );
      // L is linear in each argument, so a central difference is exact up to float32 rounding.
      const h = 0.5;
      const probe = (v: Float32Array, idx: number, other: Float32Array, isX: boolean) => {
        const up = v.slice();
        const down = v.slice();
        up[idx]! += h;
        down[idx]! -= h;
        const lu = isX ? loss(up, other) : loss(other, up);
        const ld = isX ? loss(down, other) : loss(other, down);
        return (lu - ld) / (2 * h);
      };
      const dx = flat(g.dx);
      const dw = flat(g.dw);
      const scale = Math.max(1, maxAbs(dx), maxAbs(dw));
      for (let t = 0; t < 12; t++) {
        const ix = (t * 7919) % xs.length;
        const iw = (t * 104729) % ws.length;
        expect(Math.abs(probe(xs, ix, ws, true) - dx[ix]!)).toBeLessThan(2e-3 * scale);
        expect(Math.abs(probe(ws, iw, xs, false) - dw[iw]!)).toBeLessThan(2e-3 * scale);
      }
      tf.dispose([x, w, r]);
    },
  );

  it('trains through conv2d on wasm (no Conv2DBackpropFilter kernel needed)', () => {
    expect(tf.getBackend()).toBe('wasm');
    const w = tf.variable(tf.randomNormal([3, 3, 2, 2], 0, 0.1, 'float32', 3));
    const x = tf.randomNormal([1, 6, 6, 2], 0, 1, 'float32', 4) as tf.Tensor4D;
    const target = tf.randomNormal([1, 3, 3, 2], 0, 1, 'float32', 5);
    const opt = tf.train.sgd(0.05);
    const loss = () =>
      tf.losses.meanSquaredError(target, tf.conv2d(x, w as tf.Tensor4D, 2, 'same'));
    const before = loss().dataSync()[0]!;
    for (let i = 0; i < 20; i++) opt.minimize(loss as () => tf.Scalar);
    expect(loss().dataSync()[0]!).toBeLessThan(before * 0.8);
  });

  it('rejects dilated convolutions with a clear message', () => {
    const x = tf.ones([1, 5, 5, 1]) as tf.Tensor4D;
    const w = tf.ones([3, 3, 1, 1]) as tf.Tensor4D;
    expect(() =>
      tf.grad((xx: tf.Tensor) => tf.conv2d(xx as tf.Tensor4D, w, 1, 'same', 'NHWC', 2).sum())(x),
    ).toThrow(/only NHWC convolutions with dilation 1/);
  });
});
