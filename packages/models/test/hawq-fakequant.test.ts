// The tfjs fake-quant (training) path against HAWQ's one-step QAT reference: forward logits and
// the gradients of every parameter (golden tolerance 1e-5 · max|ref| per tensor).
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadTorch, stateDictOf } from '@hawq-ts/checkpoint';
import { initBackend } from '@hawq-ts/core';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { qResNetForward, qResNetFromHawqStateDict, trainableVariables } from '../src/hawq/index.js';

const golden =
  process.env['HAWQ_GOLDEN_DIR'] ?? resolve(import.meta.dirname, '../../../../shared/golden');
const qat = join(golden, 'qat_a_resnet18_uniform8_1step');
const raw = (p: string) => {
  const b = readFileSync(p);
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
};

describe.skipIf(!existsSync(join(qat, 'manifest.json')))('fake-quant path vs HAWQ QAT step', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu', log: () => {} });
  });

  it('reproduces the training forward and HAWQ gradients', async () => {
    const m = JSON.parse(readFileSync(join(qat, 'manifest.json'), 'utf8'));
    const start = stateDictOf(await loadTorch(join(qat, m.start_checkpoint)));
    const model = qResNetFromHawqStateDict(start, {
      bitConfig: new Map(Object.entries(m.bit_config as Record<string, number>)),
      flags: { actRangeMomentum: 0.99, fixBN: true },
    });
    // with `index`, the file holds several batches along the first axis
    const index: number | undefined = m.qat_batch.index;
    const shape = (
      index === undefined ? m.qat_batch.shape : m.qat_batch.shape.slice(1)
    ) as number[];
    const all = new Float32Array(raw(join(qat, m.qat_batch.file)));
    const per = shape.reduce((a: number, b: number) => a * b, 1);
    const x = tf.tensor4d(
      all.subarray((index ?? 0) * per, ((index ?? 0) + 1) * per),
      shape as [number, number, number, number],
    );
    const labels = Array.from(new BigInt64Array(raw(join(qat, m.labels.file))), Number);
    const vars = trainableVariables(model);
    expect(vars.length).toBe(62);
    let logits: Float32Array = new Float32Array();
    const { grads } = tf.variableGrads(() => {
      const y = qResNetForward(model, x);
      logits = y.dataSync() as Float32Array;
      return tf.losses.softmaxCrossEntropy(tf.oneHot(labels, y.shape[1]), y) as tf.Scalar;
    }, vars);
    const ref = new Float32Array(raw(join(qat, 'train_logits.f32')));
    const maxRef = Math.max(...ref.map(Math.abs));
    for (let i = 0; i < ref.length; i++)
      expect(Math.abs(logits[i]! - ref[i]!)).toBeLessThanOrEqual(1e-6 * maxRef);
    const refGrads = stateDictOf(await loadTorch(join(qat, 'grads.pth')));
    const names = [...refGrads.keys()];
    expect(names.length).toBe(vars.length);
    vars.forEach((v, i) => {
      const g = grads[v.name]!.dataSync();
      const r = refGrads.get(names[i]!)!.toFloat32();
      let maxR = 0;
      let maxErr = 0;
      for (let j = 0; j < r.length; j++) {
        maxR = Math.max(maxR, Math.abs(r[j]!));
        maxErr = Math.max(maxErr, Math.abs(g[j]! - r[j]!));
      }
      expect(maxErr, names[i]).toBeLessThanOrEqual(1e-5 * maxR);
    });
  });
});
