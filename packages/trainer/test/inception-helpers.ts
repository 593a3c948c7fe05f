// A narrowed Q_InceptionV3 (every width / 16, 3 classes) with deterministic random PyTorchCV
// weights and synthetic 299x299 batches: the real topology, fast enough for whole QAT runs.
import { getBitConfig } from '@hawq-ts/core';
import {
  inceptionSpec,
  type QModel,
  qInceptionV3FromFloatStateDict,
  randomInceptionFloatStateDict,
} from '@hawq-ts/models';
import type { TrainBatch, TrainSource } from '../src/index.js';

export const INCEPTION_FLAGS = { actRangeMomentum: 0.99, fixBN: true };
export const INCEPTION_BITS = getBitConfig('inceptionv3', 'uniform8').entries;
const SIZE = 299;

export function tinyInceptionFloat(seed = 1) {
  return randomInceptionFloatStateDict(inceptionSpec({ divisor: 16, numClasses: 3 }), seed);
}

export function tinyInception(sd = tinyInceptionFloat()): QModel {
  return qInceptionV3FromFloatStateDict(sd, { bitConfig: INCEPTION_BITS, flags: INCEPTION_FLAGS });
}

export function inceptionBatch(seed: number, n = 1): TrainBatch {
  let s = seed >>> 0;
  const images = new Float32Array(n * 3 * SIZE * SIZE);
  for (let i = 0; i < images.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    images[i] = s / 2 ** 31 - 1;
  }
  return {
    images,
    labels: Array.from({ length: n }, (_, i) => (seed + i) % 3),
    shape: [n, 3, SIZE, SIZE],
  };
}

export function inceptionSource(seed: number, batches: number): TrainSource {
  return {
    seed,
    batchesPerEpoch: batches,
    size: batches,
    async *epoch(epoch: number, from: number) {
      for (let b = from; b < batches; b++) yield inceptionBatch(seed * 1000 + epoch * 100 + b);
    },
  };
}
