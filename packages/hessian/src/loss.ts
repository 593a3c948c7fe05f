import * as tf from '@tensorflow/tfjs';

/**
 * Mean softmax cross-entropy (PyTorch's CrossEntropyLoss), twice differentiable in tfjs.
 * tf.logSumExp and tf.losses.softmaxCrossEntropy cannot be used: the gradient of their max shift
 * goes through `Equal`, which has no gradient, so double backprop fails. The shift is read as a
 * constant instead; log-sum-exp does not depend on it, so value and derivatives are unchanged.
 */
export function crossEntropy(logits: tf.Tensor2D, labels: Int32Array): tf.Scalar {
  return tf.tidy(() => {
    const [n, classes] = logits.shape;
    const rowMax = tf.max(logits, 1, true).dataSync();
    const shifted = tf.sub(logits, tf.tensor2d(Float32Array.from(rowMax), [n, 1]));
    const onehot = tf.oneHot(tf.tensor1d(labels, 'int32'), classes).toFloat();
    const lse = tf.log(tf.sum(tf.exp(shifted), 1));
    return tf.mean(tf.sub(lse, tf.sum(tf.mul(shifted, onehot), 1))) as tf.Scalar;
  });
}
