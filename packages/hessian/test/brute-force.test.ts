// The Hessian machinery against a brute-force reference: an independent float64 implementation
// of a tiny conv net whose full Hessian comes from second differences of its loss.
import { initBackend } from '@hawq-ts/core';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  exactTraces,
  hessianBlock,
  hessianVectorProduct,
  hutchinsonTraces,
  registerSecondOrderGradients,
} from '../src/index.js';
import { createTinyNet, referenceHessian, type TinyNet } from './tiny-net.js';

const report = process.env.HESSIAN_REPORT === '1';
// The float64 reference does not depend on the backend: computed once for both.
let cachedReference: ReturnType<typeof referenceHessian> | undefined;

describe.each(['cpu', 'wasm'])('tiny conv net on %s', (backend) => {
  let net: TinyNet;
  let ref: ReturnType<typeof referenceHessian>;
  let joint: Float64Array;
  const names = ['conv1', 'conv2', 'fc'];
  const vars = () => [net.conv1, net.conv2, net.fc];

  beforeAll(async () => {
    await initBackend({ backend });
    registerSecondOrderGradients();
    net = createTinyNet(3);
    cachedReference ??= referenceHessian(net);
    ref = cachedReference;
    // The full Hessian from tfjs double backprop, one basis vector of the joint space per column.
    const { n, sizes } = ref;
    joint = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      let offset = 0;
      const vs = vars().map((v, k) => {
        const e = new Float32Array(sizes[k]!);
        if (i >= offset && i < offset + sizes[k]!) e[i - offset] = 1;
        offset += sizes[k]!;
        return tf.tensor(e, v.shape);
      });
      const hv = hessianVectorProduct(net.loss, vars(), vs);
      const column = hv.flatMap((t) => Array.from(t.dataSync()));
      for (let j = 0; j < n; j++) joint[j * n + i] = column[j]!;
      tf.dispose([...vs, ...hv]);
    }
  }, 180_000);
  afterAll(() => net.dispose());

  it('the finite differences never leave the linear region of the ReLUs (no kink measured)', () => {
    expect(ref.kinksCrossed).toBe(0);
  });

  it('double backprop equals the brute-force Hessian, cross-layer blocks included', () => {
    const { h, n } = ref;
    let maxRef = 0;
    let maxErr = 0;
    for (let k = 0; k < n * n; k++) {
      maxRef = Math.max(maxRef, Math.abs(h[k]!));
      maxErr = Math.max(maxErr, Math.abs(h[k]! - joint[k]!));
    }
    if (report) console.log(`${backend}: max|H_tfjs − H_ref| / max|H_ref| = ${maxErr / maxRef}`);
    expect(maxRef).toBeGreaterThan(0.1);
    expect(maxErr / maxRef).toBeLessThan(1e-4);
  });

  it('per-layer exact traces (all basis vectors) equal the brute-force diagonal sums', () => {
    const targets = vars().map((variable, k) => ({ name: names[k]!, variable }));
    const exact = exactTraces(net.loss, targets);
    let offset = 0;
    for (const [k, size] of ref.sizes.entries()) {
      let refTrace = 0;
      let tfTrace = 0;
      for (let i = offset; i < offset + size; i++) {
        refTrace += ref.h[i * ref.n + i]!;
        tfTrace += joint[i * ref.n + i]!;
      }
      offset += size;
      const got = exact.get(names[k]!)!;
      if (report)
        console.log(`${backend}: tr(H_${names[k]}) exact ${got}, brute force ${refTrace}`);
      expect(Math.abs(got - tfTrace)).toBeLessThanOrEqual(1e-6 * Math.abs(tfTrace) + 1e-9);
      expect(Math.abs(got - refTrace)).toBeLessThanOrEqual(1e-4 * Math.abs(refTrace) + 1e-6);
      // The single-block path (hessianBlock) and the joint path agree.
      const block = hessianBlock(net.loss, vars()[k]!);
      let blockTrace = 0;
      for (let i = 0; i < size; i++) blockTrace += block[i * size + i]!;
      expect(blockTrace).toBeCloseTo(got, 5);
    }
  });

  it('Hutchinson converges to the exact traces within 4 standard errors', () => {
    const samples = 400;
    const targets = vars().map((variable, k) => ({ name: names[k]!, variable }));
    const est = hutchinsonTraces(net.loss, targets, { maxIter: samples, tol: 1e-12, seed: 11 });
    const { h, n, sizes } = ref;
    let offset = 0;
    for (const [k, size] of sizes.entries()) {
      // Var(v_lᵀ(Hv)_l) for Rademacher v: 4·Σ_{i<j in l} H_ij² + Σ_{i in l, j not in l} H_ij².
      let trace = 0;
      let variance = 0;
      for (let i = offset; i < offset + size; i++) {
        trace += h[i * n + i]!;
        for (let j = 0; j < n; j++) {
          if (j === i) continue;
          const inside = j >= offset && j < offset + size;
          variance += inside ? 2 * h[i * n + j]! ** 2 : h[i * n + j]! ** 2;
        }
      }
      offset += size;
      const stdErr = Math.sqrt(variance / samples);
      const e = est[k]!;
      if (report) {
        console.log(
          `${backend}: ${names[k]} Hutchinson(${samples}) ${e.trace} vs exact ${trace} (σ/√N ${stdErr})`,
        );
      }
      expect(e.samples).toBe(samples);
      expect(Math.abs(e.trace - trace)).toBeLessThan(4 * stdErr + 1e-6);
      expect(e.tracePerParam).toBeCloseTo(e.trace / size, 12);
    }
  });

  it('central differences of float32 gradients are far less accurate than double backprop', () => {
    // The alternative to double backprop: Hv ≈ (g(w+εv) − g(w−εv)) / 2ε. Its truncation error
    // shrinks with ε but float32 rounding of g grows as 1/ε; no ε comes close to double backprop.
    const { h, n, sizes } = ref;
    let maxRef = 0;
    for (const x of h) maxRef = Math.max(maxRef, Math.abs(x));
    const bestFd = Math.min(
      ...[1e-2, 1e-3, 1e-4].map((eps) => {
        let maxErr = 0;
        for (let i = 0; i < n; i++) {
          let offset = 0;
          const shifted = (sign: number) => {
            offset = 0;
            const saved = vars().map((v) => v.clone());
            for (const [k, v] of vars().entries()) {
              if (i >= offset && i < offset + sizes[k]!) {
                const d = new Float32Array(sizes[k]!);
                d[i - offset] = sign * eps;
                v.assign(tf.add(v, tf.tensor(d, v.shape)));
              }
              offset += sizes[k]!;
            }
            const g = tf.grads(() => net.loss())(vars());
            const flat = g.flatMap((t) => Array.from(t.dataSync()));
            tf.dispose(g);
            for (const [k, v] of vars().entries()) v.assign(saved[k]!);
            tf.dispose(saved);
            return flat;
          };
          const plus = shifted(1);
          const minus = shifted(-1);
          for (let j = 0; j < n; j++) {
            const fd = (plus[j]! - minus[j]!) / (2 * eps);
            maxErr = Math.max(maxErr, Math.abs(fd - h[j * n + i]!));
          }
        }
        if (report) console.log(`${backend}: central differences ε=${eps}: ${maxErr / maxRef}`);
        return maxErr / maxRef;
      }),
    );
    let dbErr = 0;
    for (let k = 0; k < n * n; k++) dbErr = Math.max(dbErr, Math.abs(h[k]! - joint[k]!));
    expect(bestFd).toBeGreaterThan(10 * (dbErr / maxRef));
  });
});
