// Plain float training of a PyTorchCV model (SGD + cross-entropy, BN in train mode): the float
// baseline that QAT starts from when no pretrained weights exist (e.g. the Fashion-MNIST run).
import { saveTorch } from '@hawq-ts/checkpoint';
import {
  createProgressBar,
  type EvalBatch,
  type EvalResult,
  evaluate,
  type InferenceEngine,
  scoreBatch,
} from '@hawq-ts/evaluator';
import type { FloatModel } from '@hawq-ts/models';
import * as tf from '@tensorflow/tfjs';
import type { TrainSource } from './loop.js';
import { crossEntropy } from './loss.js';
import { type LrSchedule, lrAt } from './schedule.js';
import { Sgd } from './sgd.js';

export interface FloatTrainOptions {
  epochs: number;
  lr: number;
  momentum: number;
  weightDecay: number;
  schedule?: LrSchedule;
  numClasses: number;
  /** class folder names, for the per-class table of the last validation */
  classNames?: readonly string[];
  /** the state_dict is saved here (PyTorch zip format, atomic) after every epoch */
  out: string;
  printFreq?: number;
  log: (line: string) => void;
  progress?: boolean;
}

/** Eval-mode forward (running BN statistics) as an evaluator engine. */
export function floatEngine(model: FloatModel): InferenceEngine {
  return {
    name: 'tfjs',
    async run(images, shape) {
      const y = tf.tidy(() => model.forward(tf.tensor4d(images, [...shape]), false));
      const out = (await y.data()) as Float32Array;
      y.dispose();
      return out;
    },
    async dispose() {},
  };
}

export async function trainFloat(
  model: FloatModel,
  train: TrainSource,
  val: () => AsyncIterable<EvalBatch> | Iterable<EvalBatch>,
  o: FloatTrainOptions,
): Promise<EvalResult | null> {
  const vars = model.trainableVariables();
  const opt = new Sgd(vars, { lr: o.lr, momentum: o.momentum, weightDecay: o.weightDecay });
  let last: EvalResult | null = null;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    opt.lr = lrAt(o.schedule ?? 'step', o.lr, epoch, o.epochs);
    const bar = createProgressBar({
      label: `float epoch ${epoch + 1}/${o.epochs}`,
      total: train.batchesPerEpoch,
      fields: ['loss', 'top1', 'img/s'],
      enabled: o.progress ?? true,
    });
    const t0 = performance.now();
    let seen = 0;
    let hits = 0;
    let lossSum = 0;
    let i = 0;
    try {
      for await (const b of train.epoch(epoch, 0)) {
        let logits = new Float32Array();
        const x = tf.tensor4d(b.images, [...b.shape]);
        const { value, grads } = tf.variableGrads(() => {
          const y = model.forward(x, true);
          logits = (y.dataSync() as Float32Array).slice();
          return crossEntropy(y, b.labels);
        }, vars);
        const loss = value.dataSync()[0]!;
        opt.step(vars.map((v) => grads[v.name]!));
        for (const g of Object.values(grads)) g.dispose();
        value.dispose();
        x.dispose();
        const n = b.labels.length;
        seen += n;
        lossSum += loss * n;
        hits += scoreBatch(logits, b.labels, o.numClasses).correct1;
        i++;
        const fields = {
          loss: (lossSum / seen).toFixed(4),
          top1: ((hits * 100) / seen).toFixed(2),
          'img/s': (seen / ((performance.now() - t0) / 1000)).toFixed(1),
        };
        bar.update(i, fields);
        if ((i - 1) % (o.printFreq ?? 50) === 0) {
          o.log(
            `Float epoch: [${epoch}][${i - 1}/${train.batchesPerEpoch}]\tLoss ${fields.loss}\tAcc@1 ${fields.top1}\timg/s ${fields['img/s']}`,
          );
        }
      }
    } finally {
      bar.stop();
    }
    const r = await evaluate(floatEngine(model), val(), {
      numClasses: o.numClasses,
      progress: o.progress ?? true,
      label: 'validate float',
      ...(o.classNames ? { classNames: o.classNames } : {}),
    });
    last = r;
    o.log(` * float epoch ${epoch}: Acc@1 ${r.top1.toFixed(3)} Acc@5 ${r.top5.toFixed(3)}`);
    await saveTorch(o.out, model.stateDict());
  }
  return last;
}
