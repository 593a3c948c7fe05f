// HAWQ's validate() loop: per batch forward, top-1/top-5 with AverageMeter semantics, plus
// per-class accuracy and throughput (images/s including whatever the batch source spends).
import { scoreBatch } from './accuracy.js';
import { type EngineComparison, EngineComparisonMeter } from './compare.js';
import type { InferenceEngine } from './engines.js';
import { EvaluatorError } from './errors.js';
import { AverageMeter } from './meter.js';
import { PerClassAccuracy } from './per-class.js';
import { createProgressBar } from './progress.js';

export interface EvalBatch {
  readonly images: Float32Array;
  readonly labels: ArrayLike<number>;
  readonly shape: readonly [number, number, number, number];
}

export interface EvaluateOptions {
  /** classes of the dataset (per-class table); the model's own count comes from its logits */
  numClasses: number;
  /** number of images, for the progress bar */
  total?: number;
  classNames?: readonly string[];
  progress?: boolean;
  /** label of the progress bar */
  label?: string;
  /** called after every batch (quant_train.py logs every --print-freq batches) */
  onBatch?: (i: number, top1: AverageMeter, top5: AverageMeter) => void;
  /**
   * A second engine run on every batch too (e.g. ort-fast next to the exact ort): the result
   * then carries `comparison`. The accuracy, per-class table and throughput stay the evaluated
   * engine's; throughput then includes the second engine's time.
   */
  compare?: InferenceEngine;
}

export interface EvalResult {
  count: number;
  /** % (AverageMeter average of per-batch accuracies weighted by batch size) */
  top1: number;
  top5: number;
  perClass: { class: string; count: number; top1: number | null }[];
  seconds: number;
  imagesPerSecond: number;
  /** Present when `compare` was given. */
  comparison?: EngineComparison;
}

export async function evaluate(
  engine: InferenceEngine,
  batches: AsyncIterable<EvalBatch> | Iterable<EvalBatch>,
  opts: EvaluateOptions,
): Promise<EvalResult> {
  const top1 = new AverageMeter('Acc@1');
  const top5 = new AverageMeter('Acc@5');
  const perClass = new PerClassAccuracy(opts.numClasses);
  const bar = createProgressBar({
    label: opts.label ?? `eval ${engine.name}`,
    total: opts.total ?? 0,
    fields: opts.compare ? ['top1', 'top5', 'img/s', 'differ'] : ['top1', 'top5', 'img/s'],
    enabled: (opts.progress ?? true) && opts.total !== undefined,
  });
  const second = opts.compare && {
    engine: opts.compare,
    meter: new EngineComparisonMeter(opts.compare.name, engine.name),
  };
  const t0 = performance.now();
  let i = 0;
  try {
    for await (const b of batches) {
      const n = b.labels.length;
      if (n !== b.shape[0]) {
        throw new EvaluatorError(`batch ${i}: ${n} labels for ${b.shape[0]} images`);
      }
      const tRun = performance.now();
      const logits = await engine.run(b.images, b.shape);
      if (second) {
        const tOther = performance.now();
        const other = await second.engine.run(b.images, b.shape);
        second.meter.referenceSeconds += (tOther - tRun) / 1000;
        second.meter.seconds += (performance.now() - tOther) / 1000;
        second.meter.add(i, logits, other, b.labels);
      }
      // the model may have more outputs than the dataset has classes (a 1000-class model on a subset)
      const s = scoreBatch(logits, b.labels, logits.length / n);
      top1.update((s.correct1 * 100) / n, n);
      top5.update((s.correct5 * 100) / n, n);
      perClass.add(b.labels, s.hits1);
      opts.onBatch?.(i, top1, top5);
      i++;
      const secs = (performance.now() - t0) / 1000;
      bar.update(top1.count, {
        top1: top1.avg.toFixed(2),
        top5: top5.avg.toFixed(2),
        'img/s': (top1.count / secs).toFixed(1),
        ...(second ? { differ: String(second.meter.disagreements) } : {}),
      });
    }
  } finally {
    bar.stop();
  }
  const seconds = (performance.now() - t0) / 1000;
  return {
    count: top1.count,
    top1: top1.avg,
    top5: top5.avg,
    perClass: perClass.table(opts.classNames),
    seconds,
    imagesPerSecond: seconds > 0 ? top1.count / seconds : 0,
    ...(second ? { comparison: second.meter.result() } : {}),
  };
}
