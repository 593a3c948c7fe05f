// Q_InceptionV3 through the whole trainer (narrow widths, 299x299): a QAT step moves every
// parameter, the files carry HAWQ's Q_InceptionV3 names, and an interrupted run with dropout
// active (no --fix-BN) resumes bit for bit from its checkpoint.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTorch, readHawqCheckpoint } from '@hawq-ts/checkpoint';
import { initBackend, registerFastConv2dGradient } from '@hawq-ts/core';
import { exportStateDict, QInceptionV3, trainableVariables } from '@hawq-ts/models';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CHECKPOINT_FILE,
  evaluateExact,
  loadResume,
  QatTrainer,
  QUANTIZED_FILE,
  qModelFromFloatStateDict,
  qModelFromHawqStateDict,
  Sgd,
  type TrainerOptions,
  trainStep,
} from '../src/index.js';
import { BITS } from './helpers.js';
import {
  INCEPTION_BITS,
  INCEPTION_FLAGS,
  inceptionBatch,
  inceptionSource,
  tinyInception,
  tinyInceptionFloat,
} from './inception-helpers.js';

const opts = (savePath: string): TrainerOptions => ({
  arch: 'inceptionv3',
  epochs: 1,
  lr: 0.01,
  momentum: 0.9,
  weightDecay: 1e-4,
  savePath,
  printFreq: 1,
  checkpointIter: -1,
  numClasses: 3,
  dropout: true,
  log: () => {},
  progress: false,
});
const val = () => [inceptionBatch(999)];

describe('Q_InceptionV3 QAT', () => {
  beforeAll(async () => {
    await initBackend({ backend: process.env['HAWQ_TEST_BACKEND'] ?? 'wasm', log: () => {} });
    registerFastConv2dGradient();
  });

  it('one step calibrates every quantizer and moves every parameter', () => {
    const model = tinyInception();
    expect(model).toBeInstanceOf(QInceptionV3);
    const vars = trainableVariables(model);
    const before = vars.map((v) => (v.dataSync() as Float32Array).slice());
    const opt = new Sgd(vars, { lr: 0.01, momentum: 0.9, weightDecay: 1e-4 });
    const s = trainStep(model, opt, inceptionBatch(1, 2));
    expect(Number.isFinite(s.loss)).toBe(true);
    expect(s.logits).toHaveLength(2 * 3);
    expect(s.grads).toHaveLength(vars.length);
    for (const a of model.activationQuantizers()) {
      expect(a.actScalingFactor, a.name).toBeGreaterThan(0);
    }
    // weight decay alone moves every parameter; the gradient reaches the stem through 3 stages
    vars.forEach((v, i) => {
      expect([...(v.dataSync() as Float32Array)], v.name).not.toEqual([...before[i]!]);
    });
    expect(s.grads[0]!.some((g) => g !== 0)).toBe(true);
    // the exact integer path runs on the trained model
    const ev = inceptionBatch(5, 1);
    const out = evaluateExact(model, { shape: [...ev.shape], data: ev.images });
    expect(out.logits.shape).toEqual([1, 3]);
  }, 300_000);

  it('model.train() applies output dropout with a reproducible mask', () => {
    const sd = tinyInceptionFloat();
    const step = (dropoutSeed: number) => {
      const m = tinyInception(sd);
      const opt = new Sgd(trainableVariables(m), { lr: 0.01, momentum: 0.9, weightDecay: 1e-4 });
      return trainStep(m, opt, { ...inceptionBatch(3), training: true, dropoutSeed }).logits;
    };
    const a = step(5);
    expect([...step(5)]).toEqual([...a]);
    expect([...step(6)]).not.toEqual([...a]);
  }, 300_000);

  it('saves HAWQ Q_InceptionV3 names and resumes an interrupted run bit for bit', async () => {
    const sd = tinyInceptionFloat();
    const dirA = mkdtempSync(join(tmpdir(), 'trainer-inc-a-'));
    const a = new QatTrainer(tinyInception(sd), opts(dirA));
    const ra = await a.fit(inceptionSource(11, 2), val);
    expect(ra).toMatchObject({ stopped: false, iterations: 2 });
    const ckA = readHawqCheckpoint(await loadTorch(join(dirA, CHECKPOINT_FILE)));
    expect(ckA).toMatchObject({ epoch: 1, arch: 'inceptionv3' });
    expect(ckA.optimizer.state.size).toBe(trainableVariables(a.model).length);
    const keys = [...ckA.stateDict.keys()];
    expect(keys[0]).toBe('module.features.q_init_block.q_input_activ.x_min');
    expect(keys).toContain(
      'module.features.stage3.unit2.branches.branch3.q_conv1x3.q_convbn.weight_integer',
    );
    expect(keys.at(-1)).toBe('module.output.q_fc.bias_integer');
    expect(existsSync(join(dirA, QUANTIZED_FILE))).toBe(true);

    // the same run stopped (Ctrl-C) after its first batch, resumed from the files alone
    const dirB = mkdtempSync(join(tmpdir(), 'trainer-inc-b-'));
    const b = new QatTrainer(tinyInception(sd), opts(dirB));
    b.requestStop();
    expect(await b.fit(inceptionSource(11, 2), val)).toMatchObject({ stopped: true, epoch: 0 });
    const resume = await loadResume(join(dirB, CHECKPOINT_FILE));
    expect(resume.position?.batch).toBe(1);
    const model = qModelFromHawqStateDict(resume.stateDict, {
      bitConfig: INCEPTION_BITS,
      flags: INCEPTION_FLAGS,
      arch: 'inceptionv3',
    });
    const c = new QatTrainer(model, opts(dirB));
    expect(await c.fit(inceptionSource(11, 2), val, { resume })).toMatchObject({
      stopped: false,
      iterations: 1,
    });
    const sa = exportStateDict(a.model);
    const sc = exportStateDict(c.model);
    expect([...sc.keys()]).toEqual([...sa.keys()]);
    for (const [k, t] of sa) expect([...sc.get(k)!.toFloat32()], k).toEqual([...t.toFloat32()]);
    c.optimizer.buffers.forEach((buf, i) => {
      expect([...buf!], `buf ${i}`).toEqual([...a.optimizer.buffers[i]!]);
    });
  }, 300_000);

  it('refuses a state_dict of the other family, naming -a', () => {
    const sd = tinyInceptionFloat();
    expect(() =>
      qModelFromFloatStateDict(sd, { bitConfig: BITS, arch: 'resnet18', source: 'x.pth' }),
    ).toThrow('x.pth: holds an InceptionV3, but -a is resnet18');
  });
});
