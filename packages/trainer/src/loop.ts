// quant_train.py's main loop: per epoch set the LR, train (or train_kd), validate, keep the best,
// save. Additions HAWQ lacks: --checkpoint-iter saves every N iterations, requestStop() (Ctrl-C)
// saves a resumable mid-epoch checkpoint, and resuming continues at the exact batch.
import { createProgressBar, type EvalBatch, evaluate, scoreBatch } from '@hawq-ts/evaluator';
import { type QModel, trainableVariables } from '@hawq-ts/models';
import {
  type LoadedResume,
  restoreBnCounters,
  saveEpochCheckpoint,
  saveMidEpoch,
  saveQuantizedCheckpoint,
} from './checkpoint.js';
import { TrainerError } from './errors.js';
import { createQModelEngine } from './forward.js';
import type { KdOptions } from './loss.js';
import { type LrSchedule, lrAt } from './schedule.js';
import { Sgd } from './sgd.js';
import { trainStep } from './step.js';

export interface TrainBatch {
  images: Float32Array;
  labels: ArrayLike<number>;
  shape: readonly [number, number, number, number];
}

/** The training data: batches of an epoch from any batch on, fixed by the seed alone. */
export interface TrainSource {
  readonly seed: number;
  readonly batchesPerEpoch: number;
  readonly size: number;
  epoch(epoch: number, fromBatch: number): AsyncIterable<TrainBatch>;
}

export interface Teacher {
  logits(
    images: Float32Array,
    shape: readonly [number, number, number, number],
  ): Promise<Float32Array>;
}

export interface TrainerOptions {
  arch: string;
  epochs: number;
  /** --start-epoch (overridden by a resumed checkpoint) */
  startEpoch?: number;
  lr: number;
  momentum: number;
  weightDecay: number;
  schedule?: LrSchedule;
  savePath: string;
  printFreq: number;
  /** save a resumable checkpoint every N iterations (≤ 0: only at epoch ends) */
  checkpointIter: number;
  /** --evaluate-times: KD path only, validate (and save) this many times inside each epoch */
  evaluateTimes?: number;
  numClasses: number;
  kd?: KdOptions & { teacher: Teacher };
  /**
   * Train in HAWQ's model.train() rather than model.eval() (quant_train.py does so without
   * --fix-BN): Q_InceptionV3's output dropout is then active, its masks seeded from the data seed,
   * epoch and batch. Default false.
   */
  dropout?: boolean;
  log: (line: string) => void;
  progress?: boolean;
}

export interface FitResult {
  bestAcc1: number;
  /** the epoch the run ended in, and whether it was stopped early (requestStop) */
  epoch: number;
  stopped: boolean;
  iterations: number;
}

export class QatTrainer {
  readonly optimizer: Sgd;
  private stopRequested = false;
  private best = 0;

  constructor(
    readonly model: QModel,
    readonly o: TrainerOptions,
  ) {
    if (o.epochs < 0 || !Number.isInteger(o.epochs)) {
      throw new TrainerError(`--epochs ${o.epochs} is not a non-negative integer`);
    }
    this.optimizer = new Sgd(trainableVariables(model), {
      lr: o.lr,
      momentum: o.momentum,
      weightDecay: o.weightDecay,
    });
  }

  /** Ask the loop to save a resumable checkpoint after the current batch and return. */
  requestStop(): void {
    this.stopRequested = true;
  }

  /** validate(): frozen forward over the validation set, then quantized_checkpoint.pth.tar. */
  async validate(
    val: AsyncIterable<EvalBatch> | Iterable<EvalBatch>,
    total?: number,
  ): Promise<number> {
    const engine = createQModelEngine(this.model);
    try {
      const r = await evaluate(engine, val, {
        numClasses: this.o.numClasses,
        ...(total !== undefined ? { total } : {}),
        progress: this.o.progress ?? true,
        label: 'validate',
      });
      this.o.log(` * Acc@1 ${r.top1.toFixed(3)} Acc@5 ${r.top5.toFixed(3)}`);
      await saveQuantizedCheckpoint(this.o.savePath, this.model);
      return r.top1;
    } finally {
      await engine.dispose();
    }
  }

  async fit(
    train: TrainSource,
    val: () => AsyncIterable<EvalBatch> | Iterable<EvalBatch>,
    opts: { valSize?: number; resume?: LoadedResume } = {},
  ): Promise<FitResult> {
    const o = this.o;
    let epoch = o.startEpoch ?? 0;
    let fromBatch = 0;
    this.best = 0;
    const r = opts.resume;
    if (r) {
      this.optimizer.loadState(r.optimizerState, 'resume checkpoint');
      epoch = r.epoch;
      this.best = r.bestAcc1;
      if (r.position) {
        if (r.position.seed !== train.seed) {
          throw new TrainerError(
            `resume: the checkpoint was written with --seed ${r.position.seed}, this run uses ${train.seed}`,
          );
        }
        epoch = r.position.epoch;
        fromBatch = r.position.batch;
        this.best = r.position.bestAcc1;
        restoreBnCounters(this.model, r.position.bnCounters);
      }
    }
    let iterations = 0;
    for (; epoch < o.epochs; epoch++) {
      this.optimizer.lr = lrAt(o.schedule ?? 'step', o.lr, epoch, o.epochs);
      o.log(`Epoch ${epoch}: lr ${this.optimizer.lr}`);
      const midEval = () => this.validate(val(), opts.valSize);
      const stopped = await this.trainEpoch(train, epoch, fromBatch, midEval, (n) => {
        iterations += n;
      });
      fromBatch = 0;
      if (stopped) return { bestAcc1: this.best, epoch, stopped: true, iterations };
      const acc1 = await this.validate(val(), opts.valSize);
      // quant_train.py: is_best = acc1 > best_acc1 (best starts at 0, so a 0% first epoch is not saved as best)
      const isBest = acc1 > this.best;
      this.best = Math.max(acc1, this.best);
      await saveEpochCheckpoint(
        o.savePath,
        this.model,
        this.optimizer,
        { epoch: epoch + 1, arch: o.arch, bestAcc1: this.best },
        isBest,
      );
    }
    return { bestAcc1: this.best, epoch, stopped: false, iterations };
  }

  private async trainEpoch(
    train: TrainSource,
    epoch: number,
    fromBatch: number,
    midEval: () => Promise<number>,
    count: (n: number) => void,
  ): Promise<boolean> {
    const o = this.o;
    const total = train.batchesPerEpoch;
    const bar = createProgressBar({
      label: `epoch ${epoch + 1}/${o.epochs}`,
      total,
      fields: ['loss', 'top1', 'img/s'],
      enabled: o.progress ?? true,
    });
    let i = fromBatch;
    let seen = 0;
    let lossSum = 0;
    let hit1 = 0;
    const t0 = performance.now();
    try {
      for await (const b of train.epoch(epoch, fromBatch)) {
        const kd = o.kd;
        const teacherLogits = kd ? await kd.teacher.logits(b.images, b.shape) : undefined;
        const s = trainStep(
          this.model,
          this.optimizer,
          {
            ...b,
            ...(teacherLogits ? { teacherLogits } : {}),
            ...(o.dropout ? { training: true, dropoutSeed: batchSeed(train.seed, epoch, i) } : {}),
          },
          kd ? { alpha: kd.alpha, temperature: kd.temperature } : undefined,
        );
        const n = b.labels.length;
        const score = scoreBatch(s.logits, b.labels, o.numClasses);
        seen += n;
        lossSum += s.loss * n;
        hit1 += score.correct1;
        i++;
        count(1);
        const secs = (performance.now() - t0) / 1000;
        bar.update(i, {
          loss: (lossSum / seen).toFixed(4),
          top1: ((hit1 * 100) / seen).toFixed(2),
          'img/s': (seen / secs).toFixed(1),
        });
        if ((i - 1) % o.printFreq === 0) {
          o.log(
            `Epoch: [${epoch}][${i - 1}/${total}]\tLoss ${s.loss.toExponential(4)} (${(lossSum / seen).toExponential(4)})\tAcc@1 ${((score.correct1 * 100) / n).toFixed(2)} (${((hit1 * 100) / seen).toFixed(2)})\timg/s ${(seen / secs).toFixed(1)}`,
          );
        }
        const atEnd = i >= total;
        const periodic = o.checkpointIter > 0 && i % o.checkpointIter === 0 && !atEnd;
        // train_kd's --evaluate-times: validate (and keep the best) inside the epoch
        const every = kd && (o.evaluateTimes ?? -1) > 0 ? Math.floor(total / o.evaluateTimes!) : 0;
        let improved = false;
        if (every > 0 && i % every === 0 && !atEnd) {
          const acc1 = await midEval();
          improved = acc1 > this.best;
          this.best = Math.max(acc1, this.best);
        }
        if (
          this.stopRequested ||
          periodic ||
          improved ||
          (every > 0 && i % every === 0 && !atEnd)
        ) {
          await saveMidEpoch(
            o.savePath,
            this.model,
            this.optimizer,
            o.arch,
            {
              epoch,
              batch: i,
              seed: train.seed,
              bestAcc1: this.best,
            },
            improved,
          );
          o.log(`saved a resumable checkpoint at epoch ${epoch}, batch ${i}`);
          if (this.stopRequested) return true;
        }
      }
    } finally {
      bar.stop();
    }
    return false;
  }
}

/** A per-batch seed that depends only on the run's seed and the batch position. */
function batchSeed(seed: number, epoch: number, batch: number): number {
  let h = seed >>> 0;
  for (const v of [epoch, batch]) h = (Math.imul(h ^ v, 0x9e3779b1) + 0x7f4a7c15) >>> 0;
  return h;
}
