// One fake-quant forward for every HAWQ Q-model the trainer knows (Q_ResNet18/50/101,
// Q_InceptionV3), and the frozen tfjs engine validate() runs on. @hawq-ts/models keeps one forward
// function per architecture; the QModel base carries names and freezing, not the tfjs graph.
import type { Values } from '@hawq-ts/core';
import type { InferenceEngine } from '@hawq-ts/evaluator';
import {
  type ExactOutput,
  QInceptionV3,
  type QModel,
  QResNet,
  qInceptionV3Forward,
  qResNetForward,
} from '@hawq-ts/models';
import * as tf from '@tensorflow/tfjs';
import { TrainerError } from './errors.js';

export interface QModelForwardOptions {
  /**
   * HAWQ's model.train() (no --fix-BN) rather than model.eval(): Q_InceptionV3 then applies its
   * output dropout. BN folding is a per-module flag and needs nothing here.
   */
  training?: boolean;
  /** seed of the dropout mask (a resumed run must draw the masks of the uninterrupted one) */
  dropoutSeed?: number;
}

/** The architectures with a fake-quant forward, as `-a` names them. */
export const TRAINABLE_Q_ARCHS: readonly string[] = [
  'resnet18',
  'resnet50',
  'resnet50b',
  'resnet101',
  'inceptionv3',
];

function unsupported(model: QModel): TrainerError {
  return new TrainerError(
    `${model.className}: the trainer has no forward for this Q-model (supported: Q_ResNet, Q_InceptionV3)`,
  );
}

/** Fake-quant forward of any supported Q-model; x is NCHW float32, returns float32 logits. */
export function qModelForward(
  model: QModel,
  x: tf.Tensor4D,
  o: QModelForwardOptions = {},
): tf.Tensor2D {
  if (model instanceof QResNet) return qResNetForward(model, x);
  if (model instanceof QInceptionV3) {
    return qInceptionV3Forward(model, x, {
      ...(o.training ? { training: true } : {}),
      ...(o.dropoutSeed !== undefined ? { dropoutSeed: o.dropoutSeed } : {}),
    });
  }
  throw unsupported(model);
}

/** HAWQ's validate() forward on the exact integer path (freeze, forward, unfreeze). */
export function evaluateExact(model: QModel, x: Values): ExactOutput {
  if (model instanceof QResNet || model instanceof QInceptionV3) return model.evaluateExact(x);
  throw unsupported(model);
}

/**
 * The tfjs fake-quant forward of a Q-model, frozen like HAWQ's validate(): ranges do not move and
 * BN stays folded. The model is unfrozen again on dispose (the trainer keeps training it).
 */
export function createQModelEngine(model: QModel): InferenceEngine {
  if (!(model instanceof QResNet || model instanceof QInceptionV3)) throw unsupported(model);
  model.freeze();
  return {
    name: 'tfjs',
    async run(images, shape) {
      const logits = tf.tidy(() => qModelForward(model, tf.tensor4d(images, [...shape])));
      const out = (await logits.data()) as Float32Array;
      logits.dispose();
      return out;
    },
    async dispose() {
      model.unfreeze();
    },
  };
}
