// The exactness bound of integer-valued float32 convolutions. Every product w·x is an exact small
// integer, and any partial sum of them, in any order (MLAS blocking, FMA), is a sum over a subset of
// that output's terms. With x ∈ [-X, X] such a sum lies in ±Σ|w|·X; with x ∈ [0, X] (the input comes
// from a ReLU-folded quantizer) it lies in [-N·X, P·X], where P and N sum the positive and negative
// weights — about half of Σ|w| for real weight distributions. If every such bound is ≤ 2^24,
// float32 accumulation is exact. Beyond it the input channels are split greedily into contiguous
// groups that each satisfy the bound; the partial convolutions are cast to float64 and summed there.
import { ExactnessError } from '../errors.js';
import type { ConvOp, LinearOp } from '../ir.js';

export const FLOAT32_EXACT = 2 ** 24;

export interface SplitPlan {
  /** Input-channel group sizes, summing to Cin. */
  groups: number[];
  /** max over groups and outputs of the largest |partial sum| — the proof obligation (≤ 2^24). */
  worstBound: number;
  /** The classic bound K·max|x|·max|w| of the unsplit layer, for reference. */
  naiveBound: number;
  /** Single group and every partial sum plus the bias stays ≤ 2^24: the bias can join the float32 conv. */
  biasInFloat: boolean;
}

/**
 * Plan input-channel groups for a conv ([Cout,Cin,k,k]) or linear ([out,in]) op. `nonNegativeInput`:
 * the input is known to lie in [0, inputBound] (see nonNegativeTensors), which tightens the bound.
 */
export function planSplit(op: ConvOp | LinearOp, nonNegativeInput = false): SplitPlan {
  const [co, cin] = op.shape;
  const taps = op.kind === 'conv' ? op.shape[2] * op.shape[3] : 1;
  const x = op.inputBound;
  // up[c*co + o] / dn[c*co + o]: how far channel c can push output o's partial sums up / down.
  const up = new Float64Array(cin * co);
  const dn = new Float64Array(cin * co);
  let maxW = 0;
  for (let o = 0; o < co; o++) {
    for (let c = 0; c < cin; c++) {
      let p = 0;
      let n = 0;
      for (let t = 0; t < taps; t++) {
        const w = op.weight[(o * cin + c) * taps + t] as number;
        if (w > 0) p += w;
        else n -= w;
        maxW = Math.max(maxW, Math.abs(w));
      }
      const i = c * co + o;
      up[i] = (nonNegativeInput ? p : p + n) * x;
      dn[i] = (nonNegativeInput ? n : p + n) * x;
    }
  }
  const groups: number[] = [];
  const runUp = new Float64Array(co);
  const runDn = new Float64Array(co);
  const reach = (c: number) => {
    let m = 0;
    for (let o = 0; o < co; o++) {
      const i = c * co + o;
      m = Math.max(
        m,
        (runUp[o] as number) + (up[i] as number),
        (runDn[o] as number) + (dn[i] as number),
      );
    }
    return m;
  };
  let size = 0;
  let worst = 0;
  let groupWorst = 0;
  for (let c = 0; c < cin; c++) {
    let m = reach(c);
    if (size > 0 && m > FLOAT32_EXACT) {
      groups.push(size);
      worst = Math.max(worst, groupWorst);
      runUp.fill(0);
      runDn.fill(0);
      size = 0;
      m = reach(c);
    }
    if (m > FLOAT32_EXACT) {
      throw new ExactnessError(
        `${op.name}: input channel ${c} alone can reach ${m} > 2^24; cannot run exactly in float32`,
      );
    }
    for (let o = 0; o < co; o++) {
      runUp[o] = (runUp[o] as number) + (up[c * co + o] as number);
      runDn[o] = (runDn[o] as number) + (dn[c * co + o] as number);
    }
    groupWorst = m;
    size++;
  }
  groups.push(size);
  worst = Math.max(worst, groupWorst);
  // The bias may be added first or last: partial sums then lie in [b - down, b + up] or [-down, up].
  let biasInFloat = groups.length === 1;
  for (let o = 0; o < co && biasInFloat; o++) {
    const b = op.bias[o] as number;
    biasInFloat =
      Math.abs(b + (runUp[o] as number)) <= FLOAT32_EXACT &&
      Math.abs(b - (runDn[o] as number)) <= FLOAT32_EXACT;
  }
  return { groups, worstBound: worst, naiveBound: cin * taps * x * maxW, biasInFloat };
}
