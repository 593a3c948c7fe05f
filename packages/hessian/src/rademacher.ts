import * as tf from '@tensorflow/tfjs';
import { mersenne } from 'pure-rand/generator/mersenne';

type Generator = ReturnType<typeof mersenne>;

/**
 * Seeded Rademacher draws (±1 with probability ½ each). tf.randomUniform's seed fixes one tensor,
 * not a stream; MT19937 (pure-rand) gives a reproducible sequence of vectors for a seed.
 */
export class RademacherStream {
  private readonly gen: Generator;

  constructor(seed: number) {
    this.gen = mersenne(seed >>> 0);
  }

  /** A new ±1 tensor of the given shape (32 signs per generator draw). */
  next(shape: readonly number[]): tf.Tensor {
    const size = shape.reduce((a, b) => a * b, 1);
    const out = new Float32Array(size);
    for (let i = 0; i < size; i += 32) {
      const bits = this.gen.next() >>> 0;
      for (let j = 0; j < 32 && i + j < size; j++) out[i + j] = (bits >>> j) & 1 ? 1 : -1;
    }
    return tf.tensor(out, [...shape], 'float32');
  }
}
