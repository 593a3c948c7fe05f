import type { StateDict, TensorLike } from '../../src/state-dict.js';
import { type SyntheticSpec, syntheticHawqResNet } from '../../src/synthetic.js';

export const TINY_BASIC: SyntheticSpec = {
  block: 'basic',
  layers: [1, 1, 1, 1],
  channels: [4, 8, 8, 16],
  initChannels: 4,
  numClasses: 5,
  bits: 8,
  inputSize: 193,
  seed: 1,
};
export const TINY_BOTTLENECK: SyntheticSpec = {
  block: 'bottleneck',
  layers: [2, 1, 1, 1],
  channels: [8, 16, 16, 32],
  initChannels: 8,
  numClasses: 7,
  bits: 4,
  inputSize: 200,
  seed: 2,
};

export function tiny(spec: SyntheticSpec) {
  return syntheticHawqResNet(spec);
}

/** Deterministic pseudo-random images. */
export function images(n: number, size: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n * 3 * size * size }, () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return Math.fround((s / 2 ** 31 - 0.5) * 4);
  });
}

/** TINY_BASIC widened to 160 channels, with stage4.unit1.quant_convbn2's weights all ±127 (worst case for the float32 bound). */
export function saturated(): StateDict {
  const sd = new Map(tiny({ ...TINY_BASIC, channels: [4, 8, 8, 160], seed: 11 }).stateDict);
  const key = 'module.stage4.unit1.quant_convbn2.weight_integer';
  const w = sd.get(key) as TensorLike;
  // Mostly positive: the input is non-negative (ReLU), so the bound counts the positive weights
  // (7/8 of Σ|w|·128 > 2^24) and the layer must still split.
  const sat = w.toFloat32().map((_, i) => (i % 8 === 0 ? -127 : 127));
  sd.set(key, { shape: w.shape, toFloat32: () => sat });
  return sd;
}
