// Sign facts about IR tensors and the ReLU folding they allow, shared by the exporters and the
// exactness report.
import type { ClampRange, IntOp, RequantOp } from './ir.js';

/** Tensors whose values are known ≥ 0: ReLU/average-pool outputs and what is requantized or pooled from them. */
export function nonNegativeTensors(ops: IntOp[]): Set<string> {
  const s = new Set<string>();
  for (const op of ops) {
    if (op.kind === 'relu' || op.kind === 'avgPool') s.add(op.out);
    if (
      (op.kind === 'requant' || op.kind === 'maxPool') &&
      (s.has(op.input) || (op.kind === 'requant' && op.clamp.lo >= 0))
    )
      s.add(op.out);
  }
  return s;
}

/** How many ops read each tensor. */
export function useCounts(ops: IntOp[]): Map<string, number> {
  const n = new Map<string, number>();
  for (const op of ops)
    for (const i of op.kind === 'residual' ? [op.identity, op.body] : [op.input])
      n.set(i, (n.get(i) ?? 0) + 1);
  return n;
}

/** ReLUs folded into the requant after them: the ReLUs to skip, and each requant's input and clamp. */
export interface ReluFolds {
  /** Ops not to emit (the folded ReLUs; exporters may add ops they fuse otherwise). */
  skip: Set<IntOp>;
  requantInput(op: RequantOp): { input: string; clamp: ClampRange };
}

/**
 * A ReLU feeding only a requant folds into its clamp: round(relu(x)·M) clipped to [lo, hi] equals
 * round(x·M) clipped to [max(lo, 0), hi], because M > 0 and round(0) = 0. Tensors in `keep`
 * (requested intermediates) stay.
 */
export function foldReluIntoRequant(ops: IntOp[], keep: ReadonlySet<string>): ReluFolds {
  const uses = useCounts(ops);
  const folded = new Map<IntOp, string>();
  const skip = new Set<IntOp>();
  ops.forEach((op, idx) => {
    const next = ops[idx + 1];
    if (
      op.kind === 'relu' &&
      next?.kind === 'requant' &&
      next.input === op.out &&
      uses.get(op.out) === 1 &&
      !keep.has(op.out)
    ) {
      folded.set(next, op.input);
      skip.add(op);
    }
  });
  return {
    skip,
    requantInput: (op) => {
      const input = folded.get(op);
      return input === undefined
        ? { input: op.input, clamp: op.clamp }
        : { input, clamp: { lo: Math.max(op.clamp.lo, 0), hi: op.clamp.hi } };
    },
  };
}
