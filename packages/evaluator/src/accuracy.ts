// quant_train.py's accuracy(): top-k over output.topk(maxk), correct_k · 100 / batch_size.
import { EvaluatorError } from './errors.js';

/**
 * Rank of the true class among the logits of one row: the number of classes that topk would put
 * before it. Ties go to the lower class index, which is what torch.topk does on CPU for
 * the small k used here (sorted, stable).
 */
export function rankOfLabel(
  row: ArrayLike<number>,
  offset: number,
  classes: number,
  label: number,
): number {
  const v = row[offset + label]!;
  let rank = 0;
  for (let c = 0; c < classes; c++) {
    const w = row[offset + c]!;
    if (w > v || (w === v && c < label)) rank++;
  }
  return rank;
}

/** Per image of a batch: its predicted class (top-1) and whether it is in the top-1 / top-5. */
export interface BatchScore {
  /** images whose label is the top-1 prediction */
  correct1: number;
  /** images whose label is among the top-5 (top-min(5, classes)) predictions */
  correct5: number;
  /** argmax per image */
  predictions: Int32Array;
  /** per image: 1 when correct at top-1 */
  hits1: Uint8Array;
}

export function scoreBatch(
  logits: ArrayLike<number>,
  labels: ArrayLike<number>,
  classes: number,
): BatchScore {
  const n = labels.length;
  if (logits.length !== n * classes) {
    throw new EvaluatorError(
      `scoreBatch: ${logits.length} logits do not fit ${n} labels × ${classes} classes`,
    );
  }
  const k5 = Math.min(5, classes);
  const predictions = new Int32Array(n);
  const hits1 = new Uint8Array(n);
  let correct1 = 0;
  let correct5 = 0;
  for (let i = 0; i < n; i++) {
    const label = labels[i]!;
    if (label < 0 || label >= classes) {
      throw new EvaluatorError(`label ${label} is outside the model's ${classes} classes`);
    }
    const off = i * classes;
    let best = 0;
    for (let c = 1; c < classes; c++) if (logits[off + c]! > logits[off + best]!) best = c;
    predictions[i] = best;
    const rank = rankOfLabel(logits, off, classes, label);
    if (rank === 0) {
      correct1++;
      hits1[i] = 1;
    }
    if (rank < k5) correct5++;
  }
  return { correct1, correct5, predictions, hits1 };
}
