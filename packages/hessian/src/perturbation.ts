import { quantizeWeight, WeightQuantSettings } from '@hawq-ts/core';

/**
 * ‖W − Q_b(W)‖² with HAWQ's weight quantizer: symmetric, one scale per output channel
 * (s_c = max|W_c| / (2^(b−1)−1), round half to even, clamp), applied to the raw float conv
 * weight W (PyTorch layout [Cout, …]) as HAWQ's ILP notebook states (‖W_fp32 − Q(W)‖²), in the
 * same parameter space as the Hessian. Summed in float64.
 */
export function quantPerturbation(weight: Float32Array, outChannels: number, bits: number): number {
  const settings = new WeightQuantSettings({ weightBit: bits, perChannel: true });
  const { scale, integer } = quantizeWeight(weight, outChannels, settings, 'quantPerturbation');
  const per = weight.length / outChannels;
  let sum = 0;
  for (let c = 0; c < outChannels; c++) {
    const s = scale[c]!;
    for (let i = c * per; i < (c + 1) * per; i++) {
      const d = weight[i]! - Math.fround(integer[i]! * s);
      sum += d * d;
    }
  }
  return sum;
}
