// The multi-branch (concat) requantizer against scalar reference arithmetic.
import { QuantAct, type Values } from '@hawq-ts/core';
import { describe, expect, it } from 'vitest';
import { concatChannels, requantConcatExact } from '../src/hawq/index.js';

const f32 = Math.fround;

/** NCHW values q * s for integers q given per [n][c][i]. */
function onGrid(q: number[][][], s: number): Values {
  const [n, c, hw] = [q.length, q[0]!.length, q[0]![0]!.length];
  return { shape: [n, c, 1, hw], data: Float32Array.from(q.flat(2), (v) => f32(v * s)) };
}

describe('multi-branch requantization (Inception concat)', () => {
  it('concatenates channels per sample, like torch.cat(dim=1)', () => {
    const a = onGrid([[[1, 2]], [[3, 4]]], 1);
    const b = onGrid(
      [
        [
          [5, 6],
          [7, 8],
        ],
        [
          [9, 10],
          [11, 12],
        ],
      ],
      1,
    );
    const c = concatChannels([a, b]);
    expect(c.shape).toEqual([2, 3, 1, 2]);
    expect(Array.from(c.data)).toEqual([1, 2, 5, 6, 7, 8, 3, 4, 9, 10, 11, 12]);
  });

  it('rescales each slice from its own scale to the common one (case 0, clamped)', () => {
    const act = new QuantAct('q_rescaling_activ', { activationBit: 8, actRangeMomentum: -1 });
    const s1 = f32(0.5);
    const s2 = f32(0.125);
    const a = onGrid([[[0, 10, 200, 254]]], s1); // up to 127
    const b = onGrid([[[0, 3, 5, 1000]]], s2); // up to 125
    const r = requantConcatExact(act, [
      { value: a, scale: s1 },
      { value: b, scale: s2 },
    ]);
    // range over the whole concat: max 127 → s_out = 127 / 127 = 1
    expect(r.scale).toBe(1);
    // M = s_i / s_out is a power of two here, so the dyadic rescale is round(q_i * s_i / s_out)
    expect(Array.from(r.outInt)).toEqual([0, 5, 100, 127, 0, 0, 1, 125]);
    expect(Array.from(r.value.data)).toEqual([0, 5, 100, 127, 0, 0, 1, 125]);
  });

  it('is the identity when every branch already has the output scale', () => {
    const act = new QuantAct('q_rescaling_activ', { activationBit: 16, actRangeMomentum: -1 });
    const s = f32(0.01);
    act.observe(0, f32(32767 * s));
    act.fix();
    const q1 = [[[0, 1, 2, 32767]]];
    const q2 = [[[7, 8, 9, 10]]];
    const r = requantConcatExact(act, [
      { value: onGrid(q1, act.updateScale()), scale: act.updateScale() },
      { value: onGrid(q2, act.updateScale()), scale: act.updateScale() },
    ]);
    expect(Array.from(r.outInt)).toEqual([...q1.flat(2), ...q2.flat(2)]);
  });
});
