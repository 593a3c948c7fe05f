// The exactness bound of integer-valued float32 convolutions. Every product w·x is an exact small
// integer, and any partial sum of them, in any order (MLAS blocking, FMA), is bounded by
// Σ|w|·max|x| over the terms of that output. So if max_o Σ_i |w_oi| · max|x| ≤ 2^24 — which is
// implied by, and usually far tighter than, K·max|x|·max|w| ≤ 2^24 — float32 accumulation is exact.
// Beyond it the input channels are split greedily into contiguous groups that each satisfy the
// bound; the partial convolutions are cast to float64 and summed there (exact).
import { ExactnessError } from '../errors.js';
import type { ConvOp, LinearOp } from '../ir.js';

export const FLOAT32_EXACT = 2 ** 24;

export interface SplitPlan {
  /** Input-channel group sizes, summing to Cin. */
  groups: number[];
  /** max over groups and outputs of Σ|w|·max|x| — the proof obligation (≤ 2^24). */
  worstBound: number;
  /** The classic bound K·max|x|·max|w| of the unsplit layer, for reference. */
  naiveBound: number;
  /** Single group and Σ|w|·max|x| + |b| ≤ 2^24 for every output: the bias can join the float32 conv. */
  biasInFloat: boolean;
}

/** Plan input-channel groups for a conv ([Cout,Cin,k,k]) or linear ([out,in]) op. */
export function planSplit(op: ConvOp | LinearOp): SplitPlan {
  const [co, cin] = op.shape;
  const taps = op.kind === 'conv' ? op.shape[2] * op.shape[3] : 1;
  const x = op.inputBound;
  // s[c*co + o] = Σ over taps of |w[o, c, :]|
  const s = new Float64Array(cin * co);
  let maxW = 0;
  for (let o = 0; o < co; o++) {
    for (let c = 0; c < cin; c++) {
      let a = 0;
      for (let t = 0; t < taps; t++) {
        const w = Math.abs(op.weight[(o * cin + c) * taps + t] as number);
        a += w;
        if (w > maxW) maxW = w;
      }
      s[c * co + o] = a;
    }
  }
  const groups: number[] = [];
  const run = new Float64Array(co);
  let size = 0;
  let worst = 0;
  let groupWorst = 0;
  for (let c = 0; c < cin; c++) {
    let m = 0;
    for (let o = 0; o < co; o++)
      m = Math.max(m, ((run[o] as number) + (s[c * co + o] as number)) * x);
    if (size > 0 && m > FLOAT32_EXACT) {
      groups.push(size);
      worst = Math.max(worst, groupWorst);
      run.fill(0);
      size = 0;
      m = 0;
      for (let o = 0; o < co; o++) m = Math.max(m, (s[c * co + o] as number) * x);
    }
    if (m > FLOAT32_EXACT) {
      throw new ExactnessError(
        `${op.name}: input channel ${c} alone can reach ${m} > 2^24; cannot run exactly in float32`,
      );
    }
    for (let o = 0; o < co; o++) run[o] = (run[o] as number) + (s[c * co + o] as number);
    groupWorst = m;
    size++;
  }
  groups.push(size);
  worst = Math.max(worst, groupWorst);
  let biasInFloat = groups.length === 1;
  for (let o = 0; o < co && biasInFloat; o++)
    biasInFloat = (run[o] as number) * x + Math.abs(op.bias[o] as number) <= FLOAT32_EXACT;
  return { groups, worstBound: worst, naiveBound: cin * taps * x * maxW, biasInFloat };
}
