// A tiny Q_ResNet18 (stem 4, widths 4/4/4/4, 3 classes) on 193x193 inputs and deterministic
// synthetic data, so whole training runs take seconds on the cpu backend.
import { getBitConfig } from '@hawq-ts/core';
import { createResNet, type QResNet, qResNetFromFloatStateDict } from '@hawq-ts/models';
import type { TrainBatch, TrainSource } from '../src/index.js';

export const FLAGS = { actRangeMomentum: 0.99, fixBN: true };
export const BITS = getBitConfig('resnet18', 'uniform8').entries;

export function tinyFloatStateDict() {
  const f = createResNet({
    arch: 'resnet18',
    bottleneck: false,
    layers: [2, 2, 2, 2],
    widths: [4, 4, 4, 4],
    initChannels: 4,
    conv1Stride: true,
    numClasses: 3,
  });
  const sd = f.stateDict();
  f.dispose();
  return sd;
}

export function tinyModel(sd = tinyFloatStateDict()): QResNet {
  return qResNetFromFloatStateDict(sd, { bitConfig: BITS, flags: FLAGS });
}

function noise(seed: number, n: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

export function batchOf(seed: number, n = 2): TrainBatch {
  return {
    images: noise(seed, n * 3 * 193 * 193),
    labels: Array.from({ length: n }, (_, i) => (seed + i) % 3),
    shape: [n, 3, 193, 193],
  };
}

export function syntheticSource(seed: number, batches: number): TrainSource {
  return {
    seed,
    batchesPerEpoch: batches,
    size: batches * 2,
    async *epoch(epoch: number, from: number) {
      for (let b = from; b < batches; b++) yield batchOf(seed * 1000 + epoch * 100 + b);
    },
  };
}
