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
});
