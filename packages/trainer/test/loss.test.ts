import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { crossEntropy, kdNaiveLoss } from '../src/index.js';

describe('losses', () => {
  it('cross-entropy is the mean negative log-likelihood', () => {
    const logits = tf.tensor2d([
      [0, 0, 0],
      [1, 2, 3],
    ]);
    const ce = crossEntropy(logits, [0, 2]).dataSync()[0]!;
    const l2 = -(3 - Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)));
    expect(ce).toBeCloseTo((Math.log(3) + l2) / 2, 6);
  });

  it('KD_naive: KL over batch×classes elements · α·T² + CE·(1−α)', () => {
    const s = tf.tensor2d([[1, 0, -1]]);
    const t = tf.tensor2d([[0, 2, 0]]);
    const T = 2;
    const a = 0.5;
    const q = [0.5, 0, -0.5].map(Math.exp);
    const zq = q.reduce((x, y) => x + y);
    const p = [0, 1, 0].map(Math.exp);
    const zp = p.reduce((x, y) => x + y);
    let kl = 0;
    for (let i = 0; i < 3; i++) kl += (p[i]! / zp) * Math.log(p[i]! / zp / (q[i]! / zq));
    const ce = crossEntropy(s, [1]).dataSync()[0]!;
    const want = (kl / 3) * a * T * T + ce * (1 - a);
    expect(kdNaiveLoss(s, t, [1], { alpha: a, temperature: T }).dataSync()[0]).toBeCloseTo(want, 5);
  });

  it('trainStep uses the KD loss when teacher logits are given', async () => {
    const { initBackend, registerFastConv2dGradient } = await import('@hawq-ts/core');
    await initBackend({ backend: process.env['HAWQ_TEST_BACKEND'] ?? 'wasm', log: () => {} });
    registerFastConv2dGradient();
    const { trainableVariables } = await import('@hawq-ts/models');
    const { Sgd, trainStep } = await import('../src/index.js');
    const { batchOf, tinyModel } = await import('./helpers.js');
    const b = batchOf(3);
    const m = tinyModel();
    const opt = new Sgd(trainableVariables(m), { lr: 0, momentum: 0, weightDecay: 0 });
    m.freeze(); // ranges fixed so both forwards see the same model
    const teacherLogits = Float32Array.of(3, 0, 0, 0, 3, 0);
    const kd = trainStep(m, opt, { ...b, teacherLogits }, { alpha: 0.5, temperature: 2 });
    const want = kdNaiveLoss(
      tf.tensor2d(kd.logits, [2, 3]),
      tf.tensor2d(teacherLogits, [2, 3]),
      b.labels,
      { alpha: 0.5, temperature: 2 },
    ).dataSync()[0]!;
    expect(kd.loss).toBeCloseTo(want, 5);
    const ce = trainStep(m, opt, b);
    expect(ce.loss).toBeCloseTo(
      crossEntropy(tf.tensor2d(ce.logits, [2, 3]), b.labels).dataSync()[0]!,
      5,
    );
    expect(ce.loss).not.toBeCloseTo(kd.loss, 3);
  });
});
