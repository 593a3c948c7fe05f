import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTorch, stateDictOf } from '@hawq-ts/checkpoint';
import { initBackend } from '@hawq-ts/core';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { pytorchcvFromStateDict } from '../src/pytorchcv/index.js';

const GOLDEN = '/work/shared/golden';

function readF32(file: string): Float32Array {
  const buf = readFileSync(file);
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}

/** The golden tolerance: |a − b| ≤ 1e-4 · max|b| over the tensor. */
function worstRelative(actual: Float32Array, expected: Float32Array): number {
  let maxB = 0;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    maxB = Math.max(maxB, Math.abs(expected[i]!));
    worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  }
  return worst / maxB;
}

describe.each(['cpu', 'wasm'] as const)('golden f_resnet18_float on %s', (backend) => {
  it('reproduces PyTorchCV logits from model.pth', async () => {
    expect(await initBackend({ backend })).toBe(backend);
    const sd = stateDictOf(await loadTorch(join(GOLDEN, 'f_resnet18_float/model.pth')));
    const model = pytorchcvFromStateDict(sd);
    expect(model.arch).toBe('resnet-custom');
    expect(model.numClasses).toBe(10);
    const x = tf.tensor4d(readF32(join(GOLDEN, 'inputs/input.f32')), [2, 3, 193, 193]);
    const logits = model.forward(x);
    expect(logits.shape).toEqual([2, 10]);
    const expected = readF32(join(GOLDEN, 'f_resnet18_float/logits.f32'));
    expect(worstRelative(logits.dataSync() as Float32Array, expected)).toBeLessThanOrEqual(1e-4);
    // stateDict() gives back exactly what was loaded, in the same key order.
    const back = model.stateDict();
    expect([...back.keys()]).toEqual([...sd.keys()]);
    for (const [k, t] of sd) {
      expect(back.get(k)!.shape).toEqual(t.shape);
      expect(Array.from(back.get(k)!.toFloat32())).toEqual(Array.from(t.toFloat32()));
    }
    expect(back.get('features.stage1.unit1.body.conv1.bn.num_batches_tracked')!.dtype).toBe(
      'int64',
    );
    tf.dispose([x, logits]);
    model.dispose();
  });
});
