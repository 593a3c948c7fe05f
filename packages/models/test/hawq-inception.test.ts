// Q_InceptionV3 forwards on a narrowed network (widths / 8, 299x299 input, batch 1): calibration,
// the exact integer path, the tfjs fake-quant path and its gradients, checkpoint round trip.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTorch, saveTorch, stateDictOf } from '@hawq-ts/checkpoint';
import {
  type ActTrace,
  clampBounds,
  initBackend,
  type PoolTrace,
  QuantAct,
  registerFastConv2dGradient,
  type Values,
} from '@hawq-ts/core';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ExactOutput,
  exportStateDict,
  type QInceptionV3,
  qInceptionV3Forward,
  qInceptionV3FromHawqStateDict,
  trainableVariables,
} from '../src/hawq/index.js';
import { FLAGS, inceptionInput, tinyInception } from './helpers/tiny-inception.js';

function recorder() {
  const acts = new Map<string, ActTrace>();
  const pools: PoolTrace[] = [];
  return {
    acts,
    pools,
    tracer: { act: (t: ActTrace) => acts.set(t.module, t), pool: (t: PoolTrace) => pools.push(t) },
  };
}

/** Every quantizer ran and produced integers inside its bit range (all Inception acts clamp). */
function expectIntegerActivations(model: QInceptionV3, acts: Map<string, ActTrace>) {
  const names = model.activationQuantizers().map((a) => a.name);
  expect([...acts.keys()].sort()).toEqual([...names].sort());
  for (const t of acts.values()) {
    const [lo, hi] = clampBounds(t.bits, t.quantMode);
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const q of t.outInt) {
      if (!Number.isInteger(q)) throw new Error(`${t.module}: non-integer ${q}`);
      if (q < min) min = q;
      if (q > max) max = q;
    }
    expect(min, t.module).toBeGreaterThanOrEqual(lo);
    expect(max, t.module).toBeLessThanOrEqual(hi);
    // after the signed input quantizer every tensor is ReLU'd, so nothing goes negative
    if (t.module !== 'features.q_init_block.q_input_activ') {
      expect(min, t.module).toBeGreaterThanOrEqual(0);
    }
  }
}

const calib = inceptionInput(1, 3);
const x = inceptionInput(1, 5);

describe('Q_InceptionV3 (narrow, uniform8)', () => {
  const { model } = tinyInception('uniform8');
  let exact: ExactOutput;
  const rec = recorder();
  let dir: string;

  beforeAll(async () => {
    // WASM with the fast conv gradient: the cpu backend's Conv2D backprop takes ~1 min here
    await initBackend({ backend: 'wasm', log: () => {} });
    registerFastConv2dGradient();
    dir = mkdtempSync(join(tmpdir(), 'q-inception-'));
    model.calibrateExact([calib]);
    exact = model.evaluateExact(x, { tracer: rec.tracer });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('calibrates every quantizer and the exact path yields in-range integers', () => {
    for (const a of model.activationQuantizers()) {
      expect(a.actScalingFactor, a.name).toBeGreaterThan(0);
    }
    expectIntegerActivations(model, rec.acts);
    const rescale = rec.acts.get('features.stage1.unit1.q_rescaling_activ')!;
    // one case-0 requantization per branch into the common scale
    expect(rescale.fixedpointCase).toBe(0);
    expect(rescale.requant.length).toBe(4);
    expect(
      rec.acts.get('features.stage3.unit2.branches.branch2.q_rescaling_activ')!.requant.length,
    ).toBe(2);
    expect(rec.acts.get('features.stage1.unit1.branches.branch1.q_input_act')!.bits).toBe(8);
    expect(rec.acts.get('features.stage1.unit1.q_rescaling_activ')!.bits).toBe(16);
  });

  it('integer-averages the avg-pool branches (count_include_pad) and the final 8x8 pool', () => {
    // 9 branch pools + the final pool, all integer-valued and non-negative
    expect(rec.pools.length).toBe(10);
    for (const p of rec.pools) {
      expect(
        p.outInt.every((v) => Number.isInteger(v) && v >= 0),
        p.module,
      ).toBe(true);
    }
    expect(rec.pools[rec.pools.length - 1]!.shape.slice(2)).toEqual([1, 1]);
    // a corner output sums 4 real inputs over 9 positions: HAWQ's AvgPool2d(3,1,1) default
    const pool = rec.pools[0]!;
    const input = rec.acts.get('features.stage1.unit1.branches.branch4.q_input_act')!;
    const [, , h, w] = input.shape as [number, number, number, number];
    const q = input.outInt;
    const corner = Math.trunc(
      Math.fround(Math.fround(q[0]! + q[1]! + q[w]! + q[w + 1]!) / 9) + Math.fround(0.01),
    );
    expect(pool.outInt[0]).toBe(corner);
    expect(pool.shape.slice(2)).toEqual([h, w]);
  });

  it('returns logits = integers x (fc scale x input scale)', () => {
    expect(exact.logits.shape).toEqual([1, 10]);
    exact.logits.data.forEach((v, i) => {
      expect(v).toBe(Math.fround(exact.logitsInt[i]! * exact.logitsScale[i]!));
    });
    expect(exact.logitsInt.some((v) => v !== 0)).toBe(true);
  });

  it('fake-quant forward agrees with the exact path and gradients reach every conv', () => {
    model.freeze();
    try {
      const vars = trainableVariables(model);
      expect(vars.length).toBe(94 * 3 + 2);
      let logits: ArrayLike<number> = [];
      const input = tf.tensor4d(x.data, x.shape as [number, number, number, number]);
      const { value, grads } = tf.variableGrads(() => {
        const y = qInceptionV3Forward(model, input);
        logits = y.dataSync();
        return tf.losses.softmaxCrossEntropy(tf.oneHot([3], 10), y) as tf.Scalar;
      }, vars);
      expect(Number.isFinite(value.dataSync()[0]!)).toBe(true);
      // The folded convs and the FC multiply integers, and here every accumulator stays below
      // 2^24, where float32 sums exactly in any order: tfjs then reproduces the exact path's
      // integers, so the logits agree bit for bit (wider layers may round a few differently).
      expect(Array.from(logits)).toEqual(Array.from(exact.logits.data));
      // trainableVariables: conv.weight, bn.weight, bn.bias of each conv, then the FC
      const owners = model
        .namedModules()
        .filter(([, m]) => !(m instanceof QuantAct))
        .flatMap(([n]) => (n === 'output.q_fc' ? [n, n] : [n, n, n]));
      const silent = new Set<string>();
      vars.forEach((v, i) => {
        const g = grads[v.name]!.dataSync();
        expect(g.every(Number.isFinite), owners[i]).toBe(true);
        if (!g.some((e) => e !== 0)) silent.add(owners[i]!);
      });
      // Only a conv whose ReLU is dead on the whole input (random weights: its q_activ range
      // stayed [0, 0]) may get no gradient; everything else, from q_conv1 to q_fc, learns.
      const dead = model.initConvs
        .concat(
          model.units.flatMap((u) => u.branches.flatMap((b) => [...b.convs, ...(b.split ?? [])])),
        )
        .filter((c) => c.q_activ.xMax === 0)
        .map((c) => c.q_convbn.name);
      expect(dead.length).toBeLessThanOrEqual(2);
      expect([...silent].sort()).toEqual(dead.sort());
      expect(silent.has('features.q_init_block.q_conv1.q_convbn')).toBe(false);
      expect(silent.has('output.q_fc')).toBe(false);
      tf.dispose([value, input, ...Object.values(grads)]);
    } finally {
      model.unfreeze();
    }
  });

  it('round-trips its state_dict through saveTorch/loadTorch bit-exactly', async () => {
    const sd = exportStateDict(model);
    const file = join(dir, 'checkpoint.pth.tar');
    await saveTorch(file, new Map([['state_dict', sd]]));
    const back = stateDictOf(await loadTorch(file));
    expect([...back.keys()]).toEqual([...sd.keys()]);
    const bitConfig = tinyInception('uniform8').bitConfig;
    const reloaded = qInceptionV3FromHawqStateDict(back, { bitConfig, flags: FLAGS });
    const again = reloaded.evaluateExact(x);
    expect(Array.from(again.logitsInt)).toEqual(Array.from(exact.logitsInt));
    expect(Array.from(again.logits.data)).toEqual(Array.from(exact.logits.data));
    const act = reloaded.module('features.stage2.unit3.q_rescaling_activ') as QuantAct;
    expect(act.actScalingFactor).toBe(
      (model.module('features.stage2.unit3.q_rescaling_activ') as QuantAct).actScalingFactor,
    );
  });

  it('rejects inputs that do not give the 8x8 final map', () => {
    const bad: Values = { shape: [1, 3, 224, 224], data: new Float32Array(3 * 224 * 224) };
    expect(() => model.forwardExact(bad)).toThrow(/224x224 gives a 5x5 final map/);
  });
});

describe('Q_InceptionV3 (narrow, uniform4)', () => {
  it('calibrating forward keeps 4-bit activations unsigned in [0, 15]', () => {
    const { model } = tinyInception('uniform4', 2);
    const rec = recorder();
    model.forwardExact(calib, { tracer: rec.tracer });
    expectIntegerActivations(model, rec.acts);
    const four = [...rec.acts.values()].filter((t) => t.bits === 4);
    expect(four.length).toBeGreaterThan(50);
    for (const t of four) expect(t.quantMode).toBe('asymmetric');
    expect(rec.acts.get('features.q_concat_activ')!.bits).toBe(8);
  });
});
