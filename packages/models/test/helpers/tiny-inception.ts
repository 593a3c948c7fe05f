// A narrowed Q_InceptionV3 (every width / 8, 10 classes) with deterministic random weights: the
// standard topology and 299x299 input, at about 1/60 of the full network's MACs.
import { getBitConfig } from '@hawq-ts/core';
import {
  inceptionSpec,
  qInceptionV3FromFloatStateDict,
  randomInceptionFloatStateDict,
} from '../../src/hawq/index.js';

export const FLAGS = { actRangeMomentum: 0.99, fixBN: true };

export function tinyInception(scheme: 'uniform8' | 'uniform4' = 'uniform8', seed = 1) {
  const spec = inceptionSpec({ divisor: 8, numClasses: 10 });
  const sd = randomInceptionFloatStateDict(spec, seed);
  const bitConfig = getBitConfig('inceptionv3', scheme).entries;
  return {
    spec,
    sd,
    bitConfig,
    model: qInceptionV3FromFloatStateDict(sd, { bitConfig, flags: FLAGS }),
  };
}

export function inceptionInput(n: number, seed = 7) {
  let s = seed >>> 0;
  const size = 299;
  return {
    shape: [n, 3, size, size],
    data: Float32Array.from({ length: n * 3 * size * size }, () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return Math.fround((s / 2 ** 32) * 4 - 2);
    }),
  };
}
