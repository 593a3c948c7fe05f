import * as tf from '@tensorflow/tfjs';
import { HessianError } from './errors.js';

/** A scalar loss computed from the current values of the model's variables. */
export type LossFn = () => tf.Scalar;

/**
 * Hessian-vector product by double backprop (Pearlmutter's trick as PyHessian does it):
 * Hv = ∂/∂w (∇_w L · v), with w = `params` and v = `vectors` (same shapes). The gradient is
 * taken only with respect to `params`, so H is the block of the Hessian over these variables.
 * Call registerSecondOrderGradients() first.
 */
export function hessianVectorProduct(
  loss: LossFn,
  params: readonly tf.Variable[],
  vectors: readonly tf.Tensor[],
): tf.Tensor[] {
  if (params.length !== vectors.length || params.length === 0) {
    throw new HessianError(
      `hessianVectorProduct: ${params.length} parameters but ${vectors.length} vectors`,
    );
  }
  return tf.tidy(() => {
    const dot = (...ws: tf.Tensor[]) => {
      const grads = tf.grads(() => loss())(ws);
      let sum = tf.scalar(0);
      for (const [i, g] of grads.entries()) sum = tf.add(sum, tf.sum(tf.mul(g, vectors[i]!)));
      return sum;
    };
    return tf.grads(dot)([...params]);
  });
}

/** One term of a loss written as a weighted sum, e.g. the mean over a batch split in chunks. */
export interface LossPart {
  loss: LossFn;
  weight: number;
}

/**
 * H·v of L = Σ_k weight_k·L_k, one double backprop per part, so a large batch can be processed
 * in chunks that fit in memory (the mean loss of a batch = Σ (n_k/N)·mean loss of chunk k).
 */
export function hessianVectorProductSum(
  parts: readonly LossPart[],
  params: readonly tf.Variable[],
  vectors: readonly tf.Tensor[],
): tf.Tensor[] {
  if (parts.length === 0) throw new HessianError('hessianVectorProductSum: no loss parts');
  let total: tf.Tensor[] | undefined;
  for (const part of parts) {
    const hv = hessianVectorProduct(part.loss, params, vectors);
    const scaled = hv.map((t) => tf.mul(t, part.weight));
    tf.dispose(hv);
    if (total === undefined) {
      total = scaled;
    } else {
      const sum = total.map((t, i) => tf.add(t, scaled[i]!));
      tf.dispose([...total, ...scaled]);
      total = sum;
    }
  }
  return total!;
}
