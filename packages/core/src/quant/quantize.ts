// Linear quantization as HAWQ's linear_quantize + clamp: q = clamp(round(x * (1/s)), lo, hi)
// with the float32 reciprocal and round-half-to-even. Results are integers held in Float64Array
// (32-bit biases clamp at +2^31 in float32, which does not fit an Int32Array).
import { QuantError } from './errors.js';
import { clamp, f32, reciprocalF32, roundHalfEven } from './float32.js';
import { intRange, type QuantMode } from './scales.js';

/** Quantize one value with a given scale (float32 reciprocal multiply, round half even, clamp). */
export function quantizeValue(x: number, scale: number, bits: number, mode: QuantMode): number {
  const [lo, hi] = clampBounds(bits, mode);
  return clamp(roundHalfEven(f32(reciprocalF32(scale) * f32(x))), lo, hi);
}

/** Bounds as torch.clamp sees them after casting the python ints to float32. */
export function clampBounds(bits: number, mode: QuantMode): [number, number] {
  const [lo, hi] = intRange(bits, mode);
  return [f32(lo), f32(hi)];
}

/**
 * Quantize `values` viewed as [channels, -1] with one scale per channel (or one scale for all
 * when `scales` has length 1).
 */
export function quantizeChannels(
  values: Float32Array,
  scales: Float32Array,
  bits: number,
  mode: QuantMode = 'symmetric',
): Float64Array {
  const channels = scales.length;
  if (channels === 0 || values.length % channels !== 0) {
    throw new QuantError(
      `quantizeChannels: ${values.length} values do not split into ${channels} channels`,
    );
  }
  const [lo, hi] = clampBounds(bits, mode);
  const size = values.length / channels;
  const out = new Float64Array(values.length);
  for (let c = 0; c < channels; c++) {
    const r = reciprocalF32(scales[c]!);
    for (let i = c * size; i < (c + 1) * size; i++) {
      out[i] = clamp(roundHalfEven(f32(r * values[i]!)), lo, hi);
    }
  }
  return out;
}

/** Elementwise float32 product of two scale vectors (broadcasting a length-1 side). */
export function mulScales(a: Float32Array, b: Float32Array): Float32Array {
  const n = Math.max(a.length, b.length);
  if ((a.length !== 1 && a.length !== n) || (b.length !== 1 && b.length !== n)) {
    throw new QuantError(`mulScales: cannot broadcast ${a.length} and ${b.length} scales`);
  }
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = f32(a[a.length === 1 ? 0 : i]! * b[b.length === 1 ? 0 : i]!);
  return out;
}
