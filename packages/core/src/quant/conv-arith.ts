// The two arithmetics of the exact path's convolutions: PyTorch's float32 accumulation (what
// HAWQ computes) or true integers (what integer hardware computes).
import * as tf from '@tensorflow/tfjs';
import { f32, roundHalfEven } from './float32.js';
import {
  type Conv2dGeometry,
  conv2dExact,
  conv2dOneDnnF32,
  conv2dTorchF32,
  linearExact,
  linearTorchF32,
  torchUsesOneDnn,
} from './int-conv.js';
import { conv2dNCHW } from './ste.js';
import { channelLayout, type Values } from './values.js';

export type ConvArithmetic = 'torch-f32' | 'integer';

/** conv(x / s_in, W_int) + b_int in the chosen arithmetic, as a float32 tensor. */
export function convolveQuantized(
  x: Values,
  sIn: number,
  wInt: ArrayLike<number>,
  wShape: readonly number[],
  bInt: ArrayLike<number> | undefined,
  geom: Conv2dGeometry,
  conv: ConvArithmetic,
): Values {
  const s = f32(sIn);
  if (conv === 'torch-f32') {
    const xInt = Float32Array.from(x.data, (v) => f32(v / s));
    // PyTorch picks the kernel (and so the summation order) from the shapes
    const kernel = torchUsesOneDnn(x.shape, wShape, geom) ? conv2dOneDnnF32 : conv2dTorchF32;
    return kernel(xInt, x.shape, wInt, wShape, bInt, geom);
  }
  const xInt = Float32Array.from(x.data, (v) => roundHalfEven(f32(v / s)));
  const fast = integerConvOnTfjs(xInt, x.shape, wInt, wShape, bInt, geom);
  if (fast) return fast;
  const acc = conv2dExact(xInt, x.shape, wInt, wShape, bInt, geom);
  return { shape: acc.shape, data: Float32Array.from(acc.data) };
}

/** |partial sums| below this are exact in float32 whatever the summation order. */
const F32_EXACT_INT = 2 ** 24;

/**
 * Consecutive input-channel groups whose worst-case partial sums (max over output channels of
 * sum |w| * max|x|) stay below 2^24, or undefined if a single channel already exceeds it.
 */
function exactChannelGroups(
  wInt: ArrayLike<number>,
  wShape: readonly number[],
  maxAbs: number,
): [number, number][] | undefined {
  const [cout, cin, kh, kw] = wShape as [number, number, number, number];
  const k = kh * kw;
  const perChannel = new Float64Array(cout * cin);
  for (let co = 0; co < cout; co++) {
    for (let ci = 0; ci < cin; ci++) {
      let a = 0;
      for (let i = (co * cin + ci) * k; i < (co * cin + ci + 1) * k; i++) a += Math.abs(wInt[i]!);
      perChannel[co * cin + ci] = a * maxAbs;
    }
  }
  const groups: [number, number][] = [];
  const running = new Float64Array(cout);
  let start = 0;
  for (let ci = 0; ci < cin; ci++) {
    let worst = 0;
    for (let co = 0; co < cout; co++)
      worst = Math.max(worst, running[co]! + perChannel[co * cin + ci]!);
    if (worst >= F32_EXACT_INT) {
      if (ci === start) return undefined;
      groups.push([start, ci]);
      start = ci;
      running.fill(0);
    }
    for (let co = 0; co < cout; co++) running[co] = running[co]! + perChannel[co * cin + ci]!;
  }
  groups.push([start, cin]);
  return groups;
}

/**
 * Integer convolution on the tfjs backend (XNNPACK on WASM is much faster than JS loops). Input
 * channels are split into groups whose partial sums provably stay below 2^24, so each group's
 * float32 convolution is exact in any summation order; the groups and the bias are summed in
 * float64 (exact). Each group result is also checked to be integral (a transform-based kernel
 * would show up there) before it is used. Grouped/dilated convs stay on the JS path.
 */
function integerConvOnTfjs(
  xInt: Float32Array,
  xShape: readonly number[],
  wInt: ArrayLike<number>,
  wShape: readonly number[],
  bInt: ArrayLike<number> | undefined,
  geom: Conv2dGeometry,
): Values | undefined {
  if ((geom.groups ?? 1) !== 1 || (geom.dilation ?? [1, 1]).some((d) => d !== 1)) return undefined;
  let maxAbs = 0;
  for (const v of xInt) maxAbs = Math.max(maxAbs, Math.abs(v));
  const groups = exactChannelGroups(wInt, wShape, maxAbs);
  if (!groups) return undefined;
  const [cout, cin, kh, kw] = wShape as [number, number, number, number];
  let acc: Float64Array | undefined;
  let shape: number[] = [];
  const x4 = tf.tensor4d(xInt, xShape as [number, number, number, number]);
  const w4 = tf.tensor4d(Float32Array.from(wInt), [cout, cin, kh, kw]);
  try {
    for (const [c0, c1] of groups) {
      const part = tf.tidy(() => {
        const xs = tf.slice(x4, [0, c0, 0, 0], [-1, c1 - c0, -1, -1]);
        const ws = tf.slice(w4, [0, c0, 0, 0], [-1, c1 - c0, -1, -1]);
        const y = conv2dNCHW(xs, ws, geom.stride, geom.padding);
        return { data: y.dataSync() as Float32Array, shape: y.shape };
      });
      for (const v of part.data) if (!Number.isInteger(v)) return undefined;
      shape = [...part.shape];
      if (!acc) acc = Float64Array.from(part.data);
      else for (let i = 0; i < acc.length; i++) acc[i] = acc[i]! + part.data[i]!;
    }
  } finally {
    x4.dispose();
    w4.dispose();
  }
  if (!acc) return undefined;
  if (bInt) {
    const plane = shape[2]! * shape[3]!;
    for (let i = 0; i < acc.length; i++) acc[i] = acc[i]! + bInt[Math.floor(i / plane) % cout]!;
  }
  return { shape, data: Float32Array.from(acc) };
}

/** linear(x / s_in, W_int) + b_int in the chosen arithmetic (float32 result, not yet rounded). */
export function linearQuantized(
  x: Values,
  sIn: number,
  wInt: ArrayLike<number>,
  outFeatures: number,
  bInt: ArrayLike<number>,
  conv: ConvArithmetic,
): Float32Array {
  const s = f32(sIn);
  const batch = x.shape[0]!;
  if (conv === 'torch-f32') {
    const xInt = Float32Array.from(x.data, (v) => f32(v / s));
    return linearTorchF32(xInt, batch, wInt, outFeatures, bInt);
  }
  const xInt = Float64Array.from(x.data, (v) => roundHalfEven(f32(v / s)));
  return Float32Array.from(linearExact(xInt, batch, wInt, outFeatures, bInt));
}

/** In place: data[n, c, ...] = fl32(data * scale[c]) (a length-1 scale broadcasts). */
export function scaleChannels(
  data: Float32Array,
  shape: readonly number[],
  scale: Float32Array,
): void {
  const { channels, inner } = channelLayout(shape);
  for (let i = 0; i < data.length; i++) {
    const c = Math.floor(i / inner) % channels;
    data[i] = f32(data[i]! * (scale.length === 1 ? scale[0]! : scale[c]!));
  }
}
