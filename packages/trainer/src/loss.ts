// quant_train.py's losses: CrossEntropyLoss (mean) and KD_naive (train_kd):
//   KL(log_softmax(s/T), softmax(t/T)) · α · T² + CE(s, y) · (1 − α)
// with F.kl_div's default reduction 'mean', i.e. averaged over batch × classes elements.
import * as tf from '@tensorflow/tfjs';

export function crossEntropy(logits: tf.Tensor2D, labels: ArrayLike<number>): tf.Scalar {
  return tf.tidy(() => {
    const logp = tf.logSoftmax(logits);
    const y = tf.oneHot(tf.tensor1d(Array.from(labels), 'int32'), logits.shape[1]);
    return tf.neg(tf.mean(tf.sum(tf.mul(y, logp), 1))) as tf.Scalar;
  });
}

export interface KdOptions {
  alpha: number;
  temperature: number;
}

export function kdNaiveLoss(
  student: tf.Tensor2D,
  teacher: tf.Tensor2D,
  labels: ArrayLike<number>,
  o: KdOptions,
): tf.Scalar {
  return tf.tidy(() => {
    const t = o.temperature;
    const logq = tf.logSoftmax(tf.div(student, t));
    const p = tf.softmax(tf.div(teacher, t));
    // kl_div(input=log q, target=p) = p · (log p − log q), zero where p = 0
    const logp = tf.logSoftmax(tf.div(teacher, t));
    const kl = tf.mean(tf.mul(p, tf.sub(logp, logq)));
    const ce = crossEntropy(student, labels);
    return tf.add(tf.mul(kl, o.alpha * t * t), tf.mul(ce, 1 - o.alpha)) as tf.Scalar;
  });
}
