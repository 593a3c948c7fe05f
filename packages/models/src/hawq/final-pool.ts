// HAWQ's Q_ResNet ends in QuantAveragePool2d(kernel_size=7): only 193..224 inputs reach it with the
// 7×7 map its Linear expects, and anything else crashes in HAWQ. We pool over the whole final map
// instead, which is HAWQ's 7×7 pool at 193..224 and lets small inputs (Fashion-MNIST at 28×28)
// run the same architecture unchanged.
import { QuantAveragePool2d } from '@hawq-ts/core';
import { QModelError } from './errors.js';

/** HAWQ's integer average adds 0.01 before truncating: exact only while (k² − 1)/k² + 0.01 < 1. */
export const MAX_FINAL_MAP = 9;

/** Spatial size after the stem (7×7/2 conv, 3×3/2 max pool) and three stride-2 stages. */
export function resnetFinalMapSize(inputSize: number): number {
  let s = inputSize;
  // every stride-2 layer of a ResNet (k7 p3, k3 p1, k1 p0) maps s to ceil(s / 2)
  for (let i = 0; i < 5; i++) s = Math.ceil(s / 2);
  return s;
}

/** The largest input side whose final map HAWQ's integer average still handles exactly. */
export const MAX_RESNET_INPUT = 32 * MAX_FINAL_MAP;

/** The final pool for an H×W input, or a one-line error naming the model and the valid sizes. */
export function resnetFinalPool(
  model: string,
  h: number,
  w: number,
  hawqPool: QuantAveragePool2d,
): QuantAveragePool2d {
  const kh = resnetFinalMapSize(h);
  const kw = resnetFinalMapSize(w);
  if (kh !== kw || !(h >= 1 && w >= 1 && kh <= MAX_FINAL_MAP)) {
    throw new QModelError(
      `${model}: input ${h}x${w} is not supported; use square inputs up to ${MAX_RESNET_INPUT}x${MAX_RESNET_INPUT} (HAWQ's 7x7 final pool: 193..224)`,
    );
  }
  return kh === hawqPool.kernelSize ? hawqPool : new QuantAveragePool2d(hawqPool.name, kh, 1);
}
