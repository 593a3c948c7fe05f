import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../src/backend/index.js';
import {
  avgPoolForward,
  bnConvForward,
  f32,
  QuantAveragePool2d,
  QuantBnConv2d,
  quantizeSTE,
  steRound,
} from '../src/quant/index.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', log: () => {} });
});

function conv(fixBN: boolean) {
  const m = new QuantBnConv2d('c', [3, 2, 3, 3], {
    weightBit: 8,
    biasBit: 32,
    perChannel: true,
    fixBN,
    padding: [1, 1],
  });
  m.weight.assign(Float32Array.from({ length: 54 }, (_, i) => f32(Math.sin(i) * 0.3)));
  m.bnWeight.assign(Float32Array.of(1.2, -0.7, 0.9));
  m.bnBias.assign(Float32Array.of(0.1, 0.2, -0.3));
  m.runningMean.assign(Float32Array.of(0.05, -0.1, 0));
  m.runningVar.assign(Float32Array.of(0.8, 1.3, 0.5));
  return m;
}

describe('fake-quant (tfjs) path', () => {
  it('straight-through rounding passes gradients unchanged; quantizers divide by the scale', () => {
    const g = tf.grad((x: tf.Tensor) => tf.sum(steRound(tf.mul(x, 3))))(
      tf.tensor1d([0.2, 0.5, 1.7]),
    );
    expect(Array.from(g.dataSync())).toEqual([3, 3, 3]);
    const q = tf.grad((x: tf.Tensor) =>
      tf.sum(quantizeSTE(x, [1, 2], Float32Array.of(0.5, 0.25), [2])),
    )(tf.tensor1d([0.4, 0.6]));
    expect(Array.from(q.dataSync())).toEqual([2, 4]);
  });
  it('folded QuantBnConv2d gives the exact path values on integer-grid inputs', () => {
    const sIn = f32(0.05);
    const xs = Float32Array.from({ length: 2 * 2 * 5 * 5 }, (_, i) =>
      f32((((i * 37) % 21) - 10) * sIn),
    );
    const exact = conv(true).forwardExact({ shape: [2, 2, 5, 5], data: xs }, sIn);
    const fake = bnConvForward(conv(true), tf.tensor4d(xs, [2, 2, 5, 5]), sIn);
    expect(Array.from(fake.y.dataSync())).toEqual(Array.from(exact.value.data));
    expect(Array.from(fake.weightScale)).toEqual(Array.from(exact.weightScale));
  });
  it('folded BN differentiates through W·γ/σ and β', () => {
    const m = conv(true);
    const x = tf.tensor4d(
      Float32Array.from({ length: 50 }, (_, i) => f32((i % 7) * 0.05)),
      [1, 2, 5, 5],
    );
    const { grads } = tf.variableGrads(
      () => tf.sum(bnConvForward(m, x, f32(0.05)).y) as tf.Scalar,
      [m.weight.asVariable(), m.bnWeight.asVariable(), m.bnBias.asVariable()],
    );
    const gb = grads[m.bnBias.asVariable().name]!.dataSync();
    // d sum / d beta = number of output pixels (up to float32 rounding of (dy·s)/s)
    for (const v of gb) expect(v).toBeCloseTo(25, 4);
    expect(Array.from(grads[m.bnWeight.asVariable().name]!.dataSync()).some((v) => v !== 0)).toBe(
      true,
    );
  });
  it('unfolded BN uses batch statistics and HAWQ reversed momentum for running stats', () => {
    const m = conv(false);
    const before = Float32Array.from(m.runningMean.read());
    const x = tf.tensor4d(
      Float32Array.from({ length: 100 }, (_, i) => f32(Math.cos(i))),
      [2, 2, 5, 5],
    );
    const out = bnConvForward(m, x, f32(0.05));
    const y = out.y.dataSync();
    // per channel the output is normalised by the batch statistics: mean β
    for (let c = 0; c < 3; c++) {
      let s = 0;
      for (let n = 0; n < 2; n++) for (let i = 0; i < 25; i++) s += y[(n * 3 + c) * 25 + i]!;
      expect(s / 50).toBeCloseTo(m.bnBias.read()[c]!, 4);
    }
    const after = m.runningMean.read();
    for (let c = 0; c < 3; c++) expect(after[c]).not.toBe(before[c]);
    expect(m.stepFoldDecision()).toBe(false);
  });
  it('integer average pool truncates (sum/49 + 0.01)', () => {
    const s = f32(0.5);
    const x = tf.tensor4d(
      Float32Array.from({ length: 49 }, (_, i) => f32((i < 48 ? 2 : 1) * s)),
      [1, 1, 7, 7],
    );
    const y = avgPoolForward(new QuantAveragePool2d('p'), x, s).dataSync();
    expect(y[0]).toBe(f32(1 * s)); // 97/49 = 1.98 -> trunc 1
  });
  it('padded average pool counts the zero padding like PyTorch, matching the exact path', () => {
    // Inception's branch pool is AvgPool2d(3, 1, 1): border outputs divide by 9, not by 4 or 6.
    const s = f32(0.25);
    const data = Float32Array.from({ length: 2 * 5 * 5 }, (_, i) => f32(((i * 7) % 13) * s));
    const pool = new QuantAveragePool2d('p', 3, 1, 1);
    const y = avgPoolForward(pool, tf.tensor4d(data, [1, 2, 5, 5]), s).dataSync();
    const exact = pool.forwardExact({ shape: [1, 2, 5, 5], data }, s).value.data;
    expect(Array.from(y)).toEqual(Array.from(exact));
    // top-left output: the 4 in-image values of its 3×3 window, divided by 9 (not by 4)
    const corner = [0, 1, 5, 6].reduce((a, i) => a + ((i * 7) % 13), 0);
    expect(y[0]).toBe(f32(Math.trunc(corner / 9 + 0.01) * s));
  });
});
