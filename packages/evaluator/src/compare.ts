// A second engine run on the same batches as the evaluated one, so a results file can say how
// far an approximate engine (ort-fast, ort-int8, tfjs) is from the exact integer graph: top-1 of
// both, images whose argmax differs and the largest logit difference (issue 5, "report how often
// `fast` disagrees with `exact` … and its top-1 difference").
import { scoreBatch } from './accuracy.js';
import type { EngineName } from './engines.js';
import { EvaluatorError } from './errors.js';
import { AverageMeter } from './meter.js';

/** Outcome of running `engine` next to the evaluated (reference) engine on the same images. */
export interface EngineComparison {
  /** The second engine. */
  engine: EngineName;
  /** The evaluated engine the comparison is relative to. */
  reference: EngineName;
  /** Images run through both engines. */
  count: number;
  /** Top-1 / top-5 (%) of the second engine, with the evaluator's AverageMeter semantics. */
  top1: number;
  top5: number;
  /** top1 − the reference engine's top-1, in percentage points. */
  top1Difference: number;
  /** Images whose predicted class (argmax, ties to the lower index) differs between the engines. */
  argmaxDisagreements: number;
  /** max over all logits of |second − reference|. */
  maxAbsLogitDifference: number;
  /** max |logit| of the reference engine (the scale the difference is relative to). */
  maxAbsLogit: number;
  /** maxAbsLogitDifference / maxAbsLogit (0 when every reference logit is 0). */
  maxRelLogitDifference: number;
  /** Seconds spent inside each engine's run() (no data loading), for a speed comparison. */
  referenceSeconds: number;
  seconds: number;
}

/** Accumulates an EngineComparison batch by batch. */
export class EngineComparisonMeter {
  private readonly top1 = new AverageMeter('Acc@1');
  private readonly top5 = new AverageMeter('Acc@5');
  private readonly refTop1 = new AverageMeter('Acc@1');
  /** Images so far whose argmax differs (shown on the progress bar). */
  disagreements = 0;
  private maxDiff = 0;
  private maxRef = 0;
  referenceSeconds = 0;
  seconds = 0;

  constructor(
    readonly engine: EngineName,
    readonly reference: EngineName,
  ) {}

  /**
   * One batch: the reference logits and the second engine's logits for the same images.
   * Both must have the same number of outputs per image.
   */
  add(
    batch: number,
    reference: Float32Array,
    other: Float32Array,
    labels: ArrayLike<number>,
  ): void {
    const n = labels.length;
    if (other.length !== reference.length) {
      throw new EvaluatorError(
        `batch ${batch}: engine ${this.engine} returned ${other.length} logits, ${this.reference} ${reference.length}; both engines must run the same model`,
      );
    }
    const classes = reference.length / n;
    const a = scoreBatch(reference, labels, classes);
    const b = scoreBatch(other, labels, classes);
    this.refTop1.update((a.correct1 * 100) / n, n);
    this.top1.update((b.correct1 * 100) / n, n);
    this.top5.update((b.correct5 * 100) / n, n);
    for (let i = 0; i < n; i++) if (a.predictions[i] !== b.predictions[i]) this.disagreements++;
    for (let i = 0; i < reference.length; i++) {
      const r = Math.abs(reference[i]!);
      const d = Math.abs(other[i]! - reference[i]!);
      // A NaN/∞ logit is a broken engine, not a number a results file can hold (JSON has no ∞).
      if (!Number.isFinite(d)) {
        throw new EvaluatorError(
          `batch ${batch}: logit ${i} is not finite (${this.reference} ${reference[i]}, ${this.engine} ${other[i]})`,
        );
      }
      if (r > this.maxRef) this.maxRef = r;
      if (d > this.maxDiff) this.maxDiff = d;
    }
  }

  result(): EngineComparison {
    return {
      engine: this.engine,
      reference: this.reference,
      count: this.top1.count,
      top1: this.top1.avg,
      top5: this.top5.avg,
      top1Difference: this.top1.avg - this.refTop1.avg,
      argmaxDisagreements: this.disagreements,
      maxAbsLogitDifference: this.maxDiff,
      maxAbsLogit: this.maxRef,
      maxRelLogitDifference: this.maxRef === 0 ? 0 : this.maxDiff / this.maxRef,
      referenceSeconds: this.referenceSeconds,
      seconds: this.seconds,
    };
  }
}
