import * as tf from '@tensorflow/tfjs';
import { ModelInputError } from './errors.js';

/** Checks an NCHW image batch and converts it to the NHWC layout used inside the models. */
export function nchwToNhwc(x: tf.Tensor, model: string): tf.Tensor4D {
  if (x.rank !== 4 || x.shape[1] !== 3) {
    throw new ModelInputError(
      `${model}: expected an NCHW image batch [N, 3, H, W], got [${x.shape.join(', ')}]`,
    );
  }
  return tf.transpose(x as tf.Tensor4D, [0, 2, 3, 1]);
}

/**
 * PyTorchCV's fixed-size final AvgPool2d(k, stride 1) followed by flatten: the feature map must
 * be exactly k×k, otherwise PyTorch's Linear would see the wrong feature count.
 */
export function finalPool(
  x: tf.Tensor4D,
  k: number,
  model: string,
  inputSizes: string,
): tf.Tensor2D {
  const [n, h, w, c] = x.shape;
  if (h !== k || w !== k) {
    throw new ModelInputError(
      `${model}: the final feature map is ${h}×${w} but the final pool is ${k}×${k}; use inputs of ${inputSizes}`,
    );
  }
  return tf.reshape(tf.avgPool(x, k, 1, 'valid'), [n, c]);
}
