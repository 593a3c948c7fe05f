// Quantization scales exactly as HAWQ's symmetric_/asymmetric_linear_quantization_params
// compute them for float32 tensors: clamp below at 1e-8, then one float32 division.
import { QuantError } from './errors.js';
import { f32 } from './float32.js';

export type QuantMode = 'symmetric' | 'asymmetric';

const SCALE_FLOOR = f32(1e-8);

export function checkBits(bits: number, where: string): void {
  if (!Number.isInteger(bits) || bits < 2 || bits > 32) {
    throw new QuantError(`${where}: bit width ${bits} is not an integer in [2, 32]`);
  }
}

/** Integer range [lo, hi] of a quantizer: signed for symmetric, unsigned (zero point 0) for asymmetric. */
export function intRange(bits: number, mode: QuantMode): [number, number] {
  checkBits(bits, 'intRange');
  if (mode === 'symmetric') return [-(2 ** (bits - 1)), 2 ** (bits - 1) - 1];
  return [0, 2 ** bits - 1];
}

/** s = max(|min|, |max|) clamped at 1e-8, divided by 2^(b-1)-1 (float32). */
export function symmetricScale(bits: number, xMin: number, xMax: number): number {
  checkBits(bits, 'symmetricScale');
  const a = Math.max(Math.abs(f32(xMin)), Math.abs(f32(xMax)));
  return f32(Math.max(a, SCALE_FLOOR) / f32(2 ** (bits - 1) - 1));
}

/** HAWQ's "asymmetric" activation scale: (max - min) clamped at 1e-8, divided by 2^b - 1. */
export function asymmetricScale(bits: number, xMin: number, xMax: number): number {
  checkBits(bits, 'asymmetricScale');
  const width = f32(f32(xMax) - f32(xMin));
  return f32(Math.max(width, SCALE_FLOOR) / f32(2 ** bits - 1));
}

export function activationScale(bits: number, mode: QuantMode, xMin: number, xMax: number): number {
  return mode === 'symmetric'
    ? symmetricScale(bits, xMin, xMax)
    : asymmetricScale(bits, xMin, xMax);
}

/** Per-row min/max of a [rows, rowSize] float32 matrix (a conv weight viewed as [Cout, -1]). */
export function rowMinMax(
  values: Float32Array,
  rows: number,
): { min: Float32Array; max: Float32Array } {
  if (rows <= 0 || values.length % rows !== 0) {
    throw new QuantError(`rowMinMax: ${values.length} values do not split into ${rows} rows`);
  }
  const size = values.length / rows;
  const min = new Float32Array(rows);
  const max = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let i = r * size; i < (r + 1) * size; i++) {
      const v = values[i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    min[r] = lo;
    max[r] = hi;
  }
  return { min, max };
}

/** torch.kthvalue (1-based k) of a copy of the values. */
export function kthValue(values: ArrayLike<number>, k: number): number {
  if (!Number.isInteger(k) || k < 1 || k > values.length) {
    throw new QuantError(`kthValue: k=${k} is outside 1..${values.length}`);
  }
  const sorted = Float64Array.from(values).sort();
  return sorted[k - 1]!;
}

/** HAWQ get_percentile_min_max (python round() is half-to-even on float64). */
export function percentileMinMax(
  values: ArrayLike<number>,
  lowerPercentile: number,
  upperPercentile: number,
): [number, number] {
  const n = values.length;
  const pyRound = (x: number) => {
    const r = Math.round(x);
    return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
  };
  const lowerIndex = pyRound(n * (1 - lowerPercentile * 0.01));
  const upperIndex = pyRound(n * upperPercentile * 0.01);
  const upper = kthValue(values, upperIndex);
  if (lowerPercentile === 0) return [f32(upper * 0), upper];
  const neg = Float64Array.from(values, (v) => -v);
  return [-kthValue(neg, lowerIndex), upper];
}

/**
 * Per-channel symmetric weight scales: rows of `weight` viewed as [channels, -1]; a single
 * per-tensor scale when perChannel is false. Percentile > 0 uses kthvalue at ceil(len*p/100).
 */
export function weightScales(
  weight: Float32Array,
  channels: number,
  bits: number,
  perChannel: boolean,
  percentile = 0,
): Float32Array {
  if (!perChannel) {
    let lo: number;
    let hi: number;
    if (percentile === 0) {
      const mm = rowMinMax(weight, 1);
      lo = mm.min[0]!;
      hi = mm.max[0]!;
    } else {
      [lo, hi] = percentileMinMax(weight, 100 - percentile, percentile);
    }
    return Float32Array.of(symmetricScale(bits, lo, hi));
  }
  const scales = new Float32Array(channels);
  if (percentile === 0) {
    const { min, max } = rowMinMax(weight, channels);
    for (let c = 0; c < channels; c++) scales[c] = symmetricScale(bits, min[c]!, max[c]!);
    return scales;
  }
  const size = weight.length / channels;
  const lowerIndex = Math.ceil(size * (100 - percentile) * 0.01);
  const upperIndex = Math.ceil(size * percentile * 0.01);
  for (let c = 0; c < channels; c++) {
    const row = weight.subarray(c * size, (c + 1) * size);
    scales[c] = symmetricScale(bits, kthValue(row, lowerIndex), kthValue(row, upperIndex));
  }
  return scales;
}
