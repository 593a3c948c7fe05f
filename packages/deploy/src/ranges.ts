// Sign facts about IR tensors, shared by the exporters and the exactness report.
import type { IntOp } from './ir.js';

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
