// Static proof that the exported exact graph computes HAWQ's integers: an interval analysis over the
// IR bounds every tensor's max |value|, then checks the two conditions the graph relies on:
// (1) every partial sum of every float32 conv/matmul group stays within 2^24 (split.ts: Σ|w|·max|x|,
//     or max(Σw⁺, Σw⁻)·max x for inputs known to be ≥ 0), so float32 accumulation is exact —
//     required for the float32 stem and the exactKernels: 'float32' graph (guaranteed by the channel
//     split); the default graph's integer GEMMs accumulate in int32 and only use this bound to
//     decide whether the accumulator may leave the GEMM as float32 (export-exact.ts);
// (2) requantization: the graph evaluates HAWQ's own float64 formula round(acc·m·2^-e) with the same
//     IEEE operations, so it equals HAWQ for every input. Where additionally |acc|·m ≤ 2^53 it also
//     equals exact integer (TVM-style) dyadic arithmetic. The static worst case below is conservative
//     (Σ|w|·max|x|); golden tests check the observed maximum too.
import type { IntegerModel } from './ir.js';
import { FLOAT32_EXACT, planSplit } from './onnx/split.js';
import { nonNegativeTensors } from './ranges.js';

export interface LayerExactness {
  name: string;
  kind: 'conv' | 'linear' | 'requant' | 'residual';
  /** conv/linear: worst partial-sum bound over the groups (split.ts); requant: worst-case |acc|·m. */
  bound: number;
  /** 2^24 (conv/linear) or 2^53 (requant). */
  limit: number;
  groups?: number;
  /** bound ≤ limit. Required for conv/linear; for requant it means "also integer-exact". */
  withinLimit: boolean;
}

/** Bound every layer of the model; `ok` everywhere means the exact engine is bit-exact for ANY input. */
export function exactnessReport(model: IntegerModel): LayerExactness[] {
  const maxAbs = new Map<string, number>([[model.input, Infinity]]);
  const get = (n: string) => maxAbs.get(n) ?? Infinity;
  const out: LayerExactness[] = [];
  const nonneg = nonNegativeTensors(model.ops);
  const requantBound = (x: number, m: number[]) => x * Math.max(...m);
  for (const op of model.ops) {
    switch (op.kind) {
      case 'quantizeInput':
        maxAbs.set(op.out, Math.max(-op.clamp.lo, op.clamp.hi));
        break;
      case 'conv':
      case 'linear': {
        const plan = planSplit(op, nonneg.has(op.input));
        const per = op.weight.length / op.shape[0];
        let acc = 0;
        for (let o = 0; o < op.shape[0]; o++) {
          let s = 0;
          for (let i = 0; i < per; i++) s += Math.abs(op.weight[o * per + i] as number);
          acc = Math.max(
            acc,
            s * Math.min(get(op.input), op.inputBound) + Math.abs(op.bias[o] as number),
          );
        }
        maxAbs.set(op.out, acc);
        out.push({
          name: op.name,
          kind: op.kind,
          bound: plan.worstBound,
          limit: FLOAT32_EXACT,
          groups: plan.groups.length,
          withinLimit: plan.worstBound <= FLOAT32_EXACT,
        });
        break;
      }
      case 'maxPool':
      case 'relu':
      case 'avgPool':
        maxAbs.set(op.out, get(op.input));
        break;
      case 'requant': {
        const b = requantBound(get(op.input), op.scale.m);
        out.push({
          name: op.name,
          kind: 'requant',
          bound: b,
          limit: 2 ** 53,
          withinLimit: b <= 2 ** 53,
        });
        maxAbs.set(op.out, Math.max(-op.clamp.lo, op.clamp.hi));
        break;
      }
      case 'residual': {
        const bi = requantBound(get(op.identity), op.identityScale.m);
        const bb = requantBound(get(op.body), op.bodyScale.m);
        out.push({
          name: op.name,
          kind: 'residual',
          bound: Math.max(bi, bb),
          limit: 2 ** 53,
          withinLimit: Math.max(bi, bb) <= 2 ** 53,
        });
        const mult = (s: { m: number[]; e: number[] }) =>
          Math.max(...s.m.map((m, i) => m * 2 ** -(s.e[i] as number)));
        maxAbs.set(
          op.out,
          Math.ceil(get(op.identity) * mult(op.identityScale)) +
            Math.ceil(get(op.body) * mult(op.bodyScale)),
        );
        break;
      }
      case 'dequantize':
        break;
    }
  }
  return out;
}
