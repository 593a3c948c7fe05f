// The value representation of the exact (HAWQ-emulating) path: a dense NCHW float32 array,
// holding exactly the float32 numbers HAWQ's PyTorch modules pass to each other.
import { QuantError } from './errors.js';

export interface Values {
  shape: number[];
  data: Float32Array;
}

export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Channels (dim 1) and inner size (dims 2..) of an NC... tensor; a 1-D tensor is one channel. */
export function channelLayout(shape: readonly number[]): { channels: number; inner: number } {
  if (shape.length < 2) return { channels: 1, inner: numel(shape) };
  return { channels: shape[1]!, inner: numel(shape.slice(2)) };
}

export function checkValues(v: Values, where: string): void {
  if (v.data.length !== numel(v.shape)) {
    throw new QuantError(`${where}: ${v.data.length} values do not match shape [${v.shape}]`);
  }
}

/** Per-channel scale lookup that broadcasts a length-1 vector. */
export function channelScale(scales: ArrayLike<number>, c: number): number {
  return scales.length === 1 ? scales[0]! : scales[c]!;
}
