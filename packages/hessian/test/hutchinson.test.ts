// Hutchinson's estimator and PyHessian's stopping rule on quadratic losses, whose Hessian is known.
import { initBackend } from '@hawq-ts/core';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  HessianError,
  HessianOptionError,
  hessianVectorProduct,
  hutchinsonTraces,
  RademacherStream,
  registerSecondOrderGradients,
} from '../src/index.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  registerSecondOrderGradients();
});

/** L = ½ wᵀAw for a symmetric A (row-major n×n): H = A. */
function quadratic(a: number[], n: number) {
  const w = tf.variable(tf.tensor1d(Array.from({ length: n }, (_, i) => 0.1 * (i + 1))));
  const am = tf.tensor2d(a, [n, n]);
  const loss = () =>
    tf.tidy(
      () =>
        tf.mul(0.5, tf.sum(tf.mul(w, tf.matMul(am, w.reshape([n, 1])).reshape([n])))) as tf.Scalar,
    );
  return { w, loss, trace: a.reduce((t, v, k) => (k % (n + 1) === 0 ? t + v : t), 0) };
}

const dense = [4, 1, -2, 1, 3, 0.5, -2, 0.5, 5]; // tr 12
const diagonal = [2, 0, 0, 0, 7, 0, 0, 0, 1]; // tr 10
// Off-diagonals with no simple relations, so no sample repeats the running mean exactly.
const irregular = [
  [3, 0.31, 0.77, -0.53],
  [0.31, 2, 0.29, 1.13],
  [0.77, 0.29, 4, -0.41],
  [-0.53, 1.13, -0.41, 1],
].flat();

/** The running means and the first sample at which PyHessian's rule holds, replayed by hand. */
function replay(history: number[], tol: number): number | undefined {
  let previous = 0;
  let sum = 0;
  for (const [k, x] of history.entries()) {
    sum += x;
    const mean = sum / (k + 1);
    if (Math.abs(mean - previous) / (Math.abs(previous) + 1e-6) < tol) return k + 1;
    previous = mean;
  }
  return undefined;
}

describe('hessianVectorProduct', () => {
  it('returns A·v for a quadratic', () => {
    const q = quadratic(dense, 3);
    const [hv] = hessianVectorProduct(q.loss, [q.w], [tf.tensor1d([1, -1, 2])]);
    expect(Array.from(hv!.dataSync())).toEqual([-1, -1, 7.5].map((x) => expect.closeTo(x, 5)));
  });

  it('rejects mismatched vectors', () => {
    const q = quadratic(dense, 3);
    expect(() => hessianVectorProduct(q.loss, [q.w], [])).toThrow(HessianError);
  });
});

describe('hutchinsonTraces', () => {
  it('is exact for a diagonal Hessian and stops by the rule at the second sample', () => {
    const q = quadratic(diagonal, 3);
    const [t] = hutchinsonTraces(q.loss, [{ name: 'd', variable: q.w }], { seed: 1 });
    // vᵀAv = tr(A) for every Rademacher v when A is diagonal: the mean stops changing at once.
    expect(t!.history).toEqual([10, 10].map((x) => expect.closeTo(x, 4)));
    expect(t).toMatchObject({ samples: 2, converged: true, params: 3 });
    expect(t!.trace).toBeCloseTo(10, 4);
    expect(t!.tracePerParam).toBeCloseTo(10 / 3, 4);
  });

  it("follows PyHessian's rule: stops at the first relative change of the mean below tol", () => {
    const q = quadratic(dense, 3);
    for (const tol of [1e-1, 1e-2, 1e-3]) {
      const [t] = hutchinsonTraces(q.loss, [{ name: 'a', variable: q.w }], { tol, seed: 3 });
      expect(t!.samples).toBe(replay(t!.history, tol) ?? 100);
      expect(t!.converged).toBe(replay(t!.history, tol) !== undefined);
      const mean = t!.history.reduce((a, b) => a + b, 0) / t!.samples;
      expect(t!.trace).toBeCloseTo(mean, 10);
    }
  });

  it('stops at maxIter without convergence and keeps every sample', () => {
    const q = quadratic(irregular, 4);
    const [t] = hutchinsonTraces(q.loss, [{ name: 'a', variable: q.w }], {
      tol: 1e-12,
      maxIter: 7,
    });
    expect(t).toMatchObject({ samples: 7, converged: false });
    expect(t!.history).toHaveLength(7);
  });

  it('freezes each layer at its own convergence while the others continue', () => {
    const d = quadratic(diagonal, 3);
    const a = quadratic(dense, 3);
    const loss = () => tf.add(d.loss(), a.loss()) as tf.Scalar;
    const seen: number[] = [];
    const [td, ta] = hutchinsonTraces(
      loss,
      [
        { name: 'diag', variable: d.w },
        { name: 'dense', variable: a.w },
      ],
      { tol: 1e-4, maxIter: 40, seed: 5, onIteration: (_, running) => seen.push(running) },
    );
    expect(td!.samples).toBe(2);
    expect(ta!.samples).toBeGreaterThan(2);
    expect(seen[1]).toBe(1);
    expect(seen).toHaveLength(ta!.samples);
  });

  it('converges to the trace with many samples (mean of vᵀAv is tr A)', () => {
    const q = quadratic(dense, 3);
    const [t] = hutchinsonTraces(q.loss, [{ name: 'a', variable: q.w }], {
      tol: 1e-12,
      maxIter: 2000,
      seed: 9,
    });
    // Var(vᵀAv) = 4·Σ_{i<j} A_ij² = 4·(1 + 4 + 0.25) = 21; 4σ/√2000 ≈ 0.41.
    expect(Math.abs(t!.trace - q.trace)).toBeLessThan(0.41);
  });

  it('rejects bad options with one-line errors', () => {
    const q = quadratic(dense, 3);
    const target = [{ name: 'a', variable: q.w }];
    expect(() => hutchinsonTraces(q.loss, target, { maxIter: 0 })).toThrow(/max-iter 0/);
    expect(() => hutchinsonTraces(q.loss, target, { tol: -1 })).toThrow(HessianOptionError);
    expect(() => hutchinsonTraces(q.loss, [])).toThrow(/no layers/);
  });
});

describe('RademacherStream', () => {
  it('draws ±1, reproducibly per seed, about half of each', () => {
    const a = new RademacherStream(42).next([1000]).dataSync();
    const b = new RademacherStream(42).next([1000]).dataSync();
    const c = new RademacherStream(43).next([1000]).dataSync();
    expect(Array.from(a).every((x) => x === 1 || x === -1)).toBe(true);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    const plus = Array.from(a).filter((x) => x === 1).length;
    expect(plus).toBeGreaterThan(430); // 1000 fair coins: 4.4σ below the mean
    expect(plus).toBeLessThan(570);
  });
});
