// One training iteration of quant_train.py's train(): forward (ranges update, BN folded under
// --fix-BN), loss, backward with HAWQ's straight-through gradients, SGD step.
import { type QModel, trainableVariables } from '@hawq-ts/models';
import * as tf from '@tensorflow/tfjs';
import { qModelForward } from './forward.js';
import { crossEntropy, type KdOptions, kdNaiveLoss } from './loss.js';
import type { Sgd } from './sgd.js';

export interface StepInput {
  images: Float32Array;
  labels: ArrayLike<number>;
  shape: readonly [number, number, number, number];
  /** teacher logits [N, classes] for KD_naive */
  teacherLogits?: Float32Array;
  /** HAWQ's model.train() (no --fix-BN): Q_InceptionV3's output dropout is active */
  training?: boolean;
  /** dropout mask seed for this batch (reproducible runs and resumes) */
  dropoutSeed?: number;
}

export interface StepResult {
  loss: number;
  logits: Float32Array;
  /** p.grad after backward (before weight decay), in trainableVariables order */
  grads: Float32Array[];
}

export function trainStep(model: QModel, opt: Sgd, input: StepInput, kd?: KdOptions): StepResult {
  const vars = trainableVariables(model);
  let logits: Float32Array = new Float32Array();
  const x = tf.tensor4d(input.images, [...input.shape]);
  const teacher = input.teacherLogits
    ? tf.tensor2d(input.teacherLogits, [
        input.shape[0],
        input.teacherLogits.length / input.shape[0],
      ])
    : undefined;
  try {
    const { value, grads } = tf.variableGrads(() => {
      const y = qModelForward(model, x, {
        ...(input.training ? { training: true } : {}),
        ...(input.dropoutSeed !== undefined ? { dropoutSeed: input.dropoutSeed } : {}),
      });
      logits = y.dataSync() as Float32Array;
      return teacher && kd
        ? kdNaiveLoss(y, teacher, input.labels, kd)
        : crossEntropy(y, input.labels);
    }, vars);
    const loss = value.dataSync()[0]!;
    value.dispose();
    const g = vars.map((v) => {
      const t = grads[v.name];
      // a parameter outside the graph (never the case for HAWQ's Q-models) gets PyTorch's None → skip as 0
      return t ? (t.dataSync() as Float32Array).slice() : new Float32Array(v.size);
    });
    for (const t of Object.values(grads)) t.dispose();
    opt.step(g);
    return { loss, logits: logits.slice(), grads: g };
  } finally {
    x.dispose();
    teacher?.dispose();
  }
}
