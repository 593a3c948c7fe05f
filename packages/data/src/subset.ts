// `--data-percentage`: HAWQ keeps `int(N * p)` samples via torch's random_split (a random permutation,
// then the first part). Ours is the same construction on a seeded MT19937 stream, so a seed fixes the subset.
import { DataOptionError } from './errors.js';
import { Rng } from './rng.js';

/** Stream id mixed into the seed so the subset draw is independent of shuffling and augmentation. */
const SUBSET_STREAM = 0x5ab5e7;

/** Number of samples `--data-percentage p` keeps out of `n`: `int(n * p)` as in HAWQ. */
export function subsetSize(n: number, percentage: number): number {
  if (!(percentage > 0 && percentage <= 1)) {
    throw new DataOptionError('--data-percentage', `${percentage} is not in (0, 1]`);
  }
  return Math.trunc(n * percentage);
}

/**
 * Indices of the subset kept by `--data-percentage`, in the random order random_split yields them.
 * `percentage` 1 keeps everything in the original order (HAWQ does not split then).
 */
export function subsetIndices(n: number, percentage: number, seed: number): Int32Array {
  const k = subsetSize(n, percentage);
  if (percentage === 1) return Int32Array.from({ length: n }, (_, i) => i);
  if (k === 0) {
    throw new DataOptionError(
      '--data-percentage',
      `${percentage} of ${n} samples keeps none (int(N * p) = 0)`,
    );
  }
  return new Rng(seed, SUBSET_STREAM).permutation(n).slice(0, k);
}

/** The elements of `items` picked by `subsetIndices`. */
export function dataPercentageSubset<T>(
  items: readonly T[],
  percentage: number,
  seed: number,
): T[] {
  return Array.from(subsetIndices(items.length, percentage, seed), (i) => items[i]!);
}
