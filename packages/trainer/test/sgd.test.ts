import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { cosineLr, Sgd, stepLr } from '../src/index.js';

describe('SGD with PyTorch semantics', () => {
  it('first step buf = grad + wd·w, then buf = m·buf + d; w -= lr·buf', () => {
    const w = tf.variable(tf.tensor1d([1, -2]));
    const opt = new Sgd([w], { lr: 0.1, momentum: 0.9, weightDecay: 0.01 });
    opt.step([Float32Array.of(0.5, 0.5)]);
    const b1 = [0.5 + 0.01 * 1, 0.5 + 0.01 * -2];
    expect(opt.buffers[0]![0]).toBeCloseTo(b1[0]!, 7);
    const w1 = [1 - 0.1 * b1[0]!, -2 - 0.1 * b1[1]!];
    expect(w.dataSync()[1]).toBeCloseTo(w1[1]!, 6);
    opt.step([Float32Array.of(0, 0)]);
    const b2 = 0.9 * b1[0]! + 0.01 * w1[0]!;
    expect(opt.buffers[0]![0]).toBeCloseTo(b2, 6);
    expect(w.dataSync()[0]).toBeCloseTo(w1[0]! - 0.1 * b2, 6);
    const st = opt.state();
    expect([...st.keys()]).toEqual([0]);
    const again = new Sgd([w], { lr: 0.1, momentum: 0.9, weightDecay: 0.01 });
    again.loadState(st, 'test');
    expect([...again.buffers[0]!]).toEqual([...opt.buffers[0]!]);
    expect(() => opt.step([])).toThrow(/0 gradients for 1 parameters/);
  });

  it('steps the LR by 0.1 every 30 epochs; cosine ends at 0', () => {
    expect(stepLr(0.1, 29)).toBeCloseTo(0.1, 12);
    expect(stepLr(0.1, 30)).toBeCloseTo(0.01, 12);
    expect(stepLr(0.1, 61)).toBeCloseTo(0.001, 12);
    expect(cosineLr(0.1, 0, 10)).toBe(0.1);
    expect(cosineLr(0.1, 10, 10)).toBeCloseTo(0, 12);
  });
});
