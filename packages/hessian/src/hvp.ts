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
