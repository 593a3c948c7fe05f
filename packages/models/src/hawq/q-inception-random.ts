// Deterministic random PyTorchCV InceptionV3 float weights for any spec: lets tests and benchmarks
// run narrowed networks without downloading the pretrained model.
import { Tensor } from '@hawq-ts/checkpoint';
import { inceptionFloatShapes } from './q-inception-build.js';
import type { QInceptionSpec } from './q-inception-spec.js';

/** Deterministic random float weights for a spec (tests, benchmarks): He-like conv init, BN near identity. */
export function randomInceptionFloatStateDict(spec: QInceptionSpec, seed = 1): Map<string, Tensor> {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const sd = new Map<string, Tensor>();
  for (const [k, shape] of inceptionFloatShapes(spec)) {
    if (k.endsWith('num_batches_tracked')) {
      sd.set(k, Tensor.fromInt64([], BigInt64Array.of(0n)));
      continue;
    }
    const n = shape.reduce((a, b) => a * b, 1);
    const fanIn = shape.length === 4 ? shape[1]! * shape[2]! * shape[3]! : (shape[1] ?? 1);
    const gen: () => number =
      k.endsWith('conv.weight') || k === 'output.fc.weight'
        ? () => (next() * 2 - 1) * Math.sqrt(6 / fanIn)
        : k.endsWith('bn.weight') || k.endsWith('running_var')
          ? () => 0.75 + next() * 0.5
          : () => (next() * 2 - 1) * 0.1;
    sd.set(
      k,
      Tensor.fromFloat32(
        shape,
        Float32Array.from({ length: n }, () => Math.fround(gen())),
      ),
    );
  }
  return sd;
}
