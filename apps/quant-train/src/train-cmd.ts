// Training: quant_train.py's main_worker after the model is built — SGD, LR schedule, (KD) train,
// validate, save; Ctrl-C saves a resumable checkpoint and exits 130.
import { randomInt } from 'node:crypto';
import { loadTorch, stateDictOf } from '@hawq-ts/checkpoint';
import { pytorchcvFromStateDict, type QModel } from '@hawq-ts/models';
import { type LoadedResume, QatTrainer, type Teacher } from '@hawq-ts/trainer';
import * as tf from '@tensorflow/tfjs';
import { type Datasets, trainSource, valLoader } from './data.js';
import type { Logger } from './log.js';
import { floatWeights } from './model.js';
import type { QuantTrainArgs } from './options.js';

export const EXIT_INTERRUPTED = 130;

async function buildTeacher(a: QuantTrainArgs, numClasses: number): Promise<Teacher> {
  const sd = a.teacherPretrained
    ? stateDictOf(await loadTorch(a.teacherPretrained), a.teacherPretrained)
    : await floatWeights(a.teacherArch, true, numClasses, '--teacher-pretrained');
  const teacher = pytorchcvFromStateDict(sd, { arch: a.teacherArch });
  return {
    async logits(images, shape) {
      const y = tf.tidy(() => teacher.forward(tf.tensor4d(images, [...shape]), false));
      const out = (await y.data()) as Float32Array;
      y.dispose();
      return out;
    },
  };
}

/** Returns the process exit code (0, or 130 after Ctrl-C). */
export async function runTrain(
  a: QuantTrainArgs,
  data: Datasets,
  size: number,
  model: QModel,
  resume: LoadedResume | undefined,
  log: Logger,
): Promise<number> {
  const train = data.train!;
  const seed = a.seed ?? resume?.position?.seed ?? randomInt(2 ** 31);
  if (a.seed === undefined)
    log(`--seed not given: using ${seed} (recorded in resumable checkpoints)`);
  const { source, loader } = trainSource(train, {
    size,
    batchSize: a.batchSize,
    workers: a.workers,
    percentage: a.dataPercentage,
    seed,
    minScale: a.minScale,
  });
  log(
    `training on ${source.size} of ${train.samples.length} images, ${source.batchesPerEpoch} batches per epoch`,
  );
  const kd =
    a.distillMethod === 'KD_naive'
      ? {
          alpha: a.distillAlpha,
          temperature: a.temperature,
          teacher: await buildTeacher(a, data.classes.length),
        }
      : undefined;
  const trainer = new QatTrainer(model, {
    arch: a.arch,
    epochs: a.epochs,
    startEpoch: a.startEpoch,
    lr: a.lr,
    momentum: a.momentum,
    weightDecay: a.weightDecay,
    schedule: a.lrSchedule,
    savePath: a.savePath,
    printFreq: a.printFreq,
    checkpointIter: a.checkpointIter,
    evaluateTimes: a.evaluateTimes,
    numClasses: data.classes.length,
    ...(kd ? { kd } : {}),
    // quant_train.py trains in model.train() unless --fix-BN: Inception's dropout is then active
    dropout: !a.fixBN,
    log,
    progress: a.progress,
  });
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1) {
      process.stderr.write('quant-train: aborted\n');
      process.exit(EXIT_INTERRUPTED);
    }
    log('Ctrl-C: saving a resumable checkpoint after this batch (Ctrl-C again to abort)');
    trainer.requestStop();
  };
  process.on('SIGINT', onSigint);
  const val = valLoader(data.val, a.arch, size, a.batchSize, a.workers, a.valResizeSize);
  try {
    const r = await trainer.fit(source, () => val, {
      valSize: val.size,
      ...(resume ? { resume } : {}),
    });
    if (r.stopped) {
      log(
        `stopped in epoch ${r.epoch}; resume with --resume ${a.savePath}checkpoint.pth.tar --resume-quantize`,
      );
      return EXIT_INTERRUPTED;
    }
    log(`done: best Acc@1 ${r.bestAcc1.toFixed(3)}`);
    return 0;
  } finally {
    process.off('SIGINT', onSigint);
    await Promise.all([loader.close(), val.close()]);
  }
}
