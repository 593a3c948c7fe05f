// The two arithmetics of the exact path's convolutions: PyTorch's float32 accumulation (what
// HAWQ computes) or true integers (what integer hardware computes).
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
  const xInt = Float64Array.from(x.data, (v) => roundHalfEven(f32(v / s)));
  const acc = conv2dExact(xInt, x.shape, wInt, wShape, bInt, geom);
  return { shape: acc.shape, data: Float32Array.from(acc.data) };
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
