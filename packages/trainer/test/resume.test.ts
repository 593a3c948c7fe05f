// Stopping mid-epoch (Ctrl-C) and resuming gives bit-identical weights, ranges and momentum
// buffers to an uninterrupted run with the same seed; the saved files have HAWQ's layout.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTorch, readHawqCheckpoint } from '@hawq-ts/checkpoint';
import { initBackend, registerFastConv2dGradient } from '@hawq-ts/core';
import { exportStateDict, qResNetFromHawqStateDict } from '@hawq-ts/models';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BEST_FILE,
  CHECKPOINT_FILE,
  loadResume,
  QatTrainer,
  QUANTIZED_FILE,
  RESUME_FILE,
  type TrainerOptions,
} from '../src/index.js';
import { BITS, batchOf, FLAGS, syntheticSource, tinyFloatStateDict, tinyModel } from './helpers.js';

const opts = (savePath: string): TrainerOptions => ({
  arch: 'resnet18',
  epochs: 1,
  lr: 0.01,
  momentum: 0.9,
  weightDecay: 1e-4,
  savePath,
  printFreq: 1,
  checkpointIter: -1,
  numClasses: 3,
  log: () => {},
  progress: false,
});
const val = () => [batchOf(999)];

describe('QAT loop', () => {
  beforeAll(async () => {
    // WASM + the fast Conv2D gradient is ~4x faster than cpu here; determinism holds on any backend
    await initBackend({ backend: process.env['HAWQ_TEST_BACKEND'] ?? 'wasm', log: () => {} });
    registerFastConv2dGradient();
  });

  it('resumes an interrupted run bit for bit', async () => {
    const sd = tinyFloatStateDict();
    const dirA = mkdtempSync(join(tmpdir(), 'trainer-a-'));
    const a = new QatTrainer(tinyModel(sd), opts(dirA));
    const ra = await a.fit(syntheticSource(7, 3), val);
    expect(ra.stopped).toBe(false);
    expect(ra.iterations).toBe(3);
    for (const f of [CHECKPOINT_FILE, QUANTIZED_FILE]) expect(existsSync(join(dirA, f))).toBe(true);
    const ckA = readHawqCheckpoint(await loadTorch(join(dirA, CHECKPOINT_FILE)));
    expect(ckA.epoch).toBe(1);
    expect(ckA.optimizer.state.size).toBe(62);
    expect(ckA.optimizer.paramGroups[0]!.lr).toBe(0.01);
    const q = (await loadTorch(join(dirA, QUANTIZED_FILE))) as Map<string, unknown>;
    expect([...q.keys()]).toEqual([
      'convbn_scaling_factor',
      'fc_scaling_factor',
      'weight_integer',
      'bias_integer',
      'act_scaling_factor',
    ]);
    if (ra.bestAcc1 > 0) expect(existsSync(join(dirA, BEST_FILE))).toBe(true);

    // same run, Ctrl-C after the first batch
    const dirB = mkdtempSync(join(tmpdir(), 'trainer-b-'));
    const b = new QatTrainer(tinyModel(sd), opts(dirB));
    b.requestStop();
    const rb = await b.fit(syntheticSource(7, 3), val);
    expect(rb).toMatchObject({ stopped: true, iterations: 1, epoch: 0 });
    const side = JSON.parse(readFileSync(join(dirB, RESUME_FILE), 'utf8'));
    expect(side).toMatchObject({ epoch: 0, batch: 1, seed: 7 });

    // resume in a fresh process state: model from the checkpoint (--resume --resume-quantize)
    const resume = await loadResume(join(dirB, CHECKPOINT_FILE));
    expect(resume.position?.batch).toBe(1);
    const model = qResNetFromHawqStateDict(resume.stateDict, { bitConfig: BITS, flags: FLAGS });
    const c = new QatTrainer(model, opts(dirB));
    const rc = await c.fit(syntheticSource(7, 3), val, { resume });
    expect(rc).toMatchObject({ stopped: false, iterations: 2 });
    expect(existsSync(join(dirB, RESUME_FILE))).toBe(false);

    const sa = exportStateDict(a.model);
    const sc = exportStateDict(c.model);
    expect([...sc.keys()]).toEqual([...sa.keys()]);
    for (const [k, t] of sa) expect([...sc.get(k)!.toFloat32()], k).toEqual([...t.toFloat32()]);
    const ca = a.optimizer.buffers;
    c.optimizer.buffers.forEach((buf, i) => {
      expect([...buf!], `buf ${i}`).toEqual([...ca[i]!]);
    });

    // a sidecar from another seed is refused
    await expect(
      new QatTrainer(tinyModel(sd), opts(dirB)).fit(syntheticSource(8, 3), val, {
        resume: { ...resume, position: { ...resume.position!, seed: 7 } },
      }),
    ).rejects.toThrow(/--seed 7, this run uses 8/);
  });

  it('--checkpoint-iter N saves every N batches inside an epoch', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trainer-iter-'));
    const lines: string[] = [];
    const t = new QatTrainer(tinyModel(), {
      ...opts(dir),
      checkpointIter: 1,
      log: (l) => lines.push(l),
    });
    await t.fit(syntheticSource(5, 3), val);
    expect(lines.filter((l) => l.startsWith('saved a resumable checkpoint'))).toEqual([
      'saved a resumable checkpoint at epoch 0, batch 1',
      'saved a resumable checkpoint at epoch 0, batch 2',
    ]);
    // the epoch-end checkpoint supersedes the mid-epoch position
    expect(existsSync(join(dir, RESUME_FILE))).toBe(false);
    // --print-freq 1: quant_train.py's progress line for every batch
    expect(
      lines.filter((l) => /^Epoch: \[0\]\[\d\/3\]\tLoss \S+ \(\S+\)\tAcc@1 /.test(l)),
    ).toHaveLength(3);
  });

  it('KD_naive: teacher logits per batch, --evaluate-times validations inside the epoch', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trainer-kd-'));
    const lines: string[] = [];
    let calls = 0;
    const teacher = {
      async logits(_x: Float32Array, shape: readonly [number, number, number, number]) {
        calls++;
        return new Float32Array(shape[0] * 3).fill(1);
      },
    };
    const t = new QatTrainer(tinyModel(), {
      ...opts(dir),
      kd: { teacher, alpha: 0.95, temperature: 6 },
      evaluateTimes: 3,
      log: (l) => lines.push(l),
    });
    await t.fit(syntheticSource(5, 3), val);
    expect(calls).toBe(3);
    // two mid-epoch validations (after batches 1 and 2) and the epoch-end one
    expect(lines.filter((l) => l.startsWith(' * Acc@1'))).toHaveLength(3);
  });
});
