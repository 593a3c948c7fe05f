// BN folding (fix-BN) in float32, one rounding per torch op:
// k = gamma / sqrt(var + eps); W' = W * k[c]; b' = (b_conv - mean) * k + beta.
import { f32 } from './float32.js';

export function foldBn(
  weight: Float32Array,
  convBias: Float32Array | undefined,
  gamma: Float32Array,
  beta: Float32Array,
  mean: Float32Array,
  variance: Float32Array,
  eps: number,
): { weight: Float32Array; bias: Float32Array; factor: Float32Array } {
  const cout = gamma.length;
  const per = weight.length / cout;
  const e = f32(eps);
  const factor = new Float32Array(cout);
  const bias = new Float32Array(cout);
  const w = new Float32Array(weight.length);
  for (let c = 0; c < cout; c++) {
    const std = f32(Math.sqrt(f32(variance[c]! + e)));
    const k = f32(gamma[c]! / std);
    factor[c] = k;
    bias[c] = f32(f32(f32((convBias ? convBias[c]! : 0) - mean[c]!) * k) + beta[c]!);
    for (let i = c * per; i < (c + 1) * per; i++) w[i] = f32(weight[i]! * k);
  }
  return { weight: w, bias, factor };
}
