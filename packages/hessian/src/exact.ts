import * as tf from '@tensorflow/tfjs';
import type { TraceTarget } from './hutchinson.js';
import { hessianVectorProduct, type LossFn } from './hvp.js';

/**
 * Exact tr(H_ll) per layer: Σ_i e_iᵀ H e_i over every basis vector of the layer, one
 * Hessian-vector product per parameter. Only for small layers (tests, tiny models); the
 * Hutchinson estimate converges to this value.
 */
export function exactTraces(loss: LossFn, targets: readonly TraceTarget[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of targets) {
    const diag = hessianColumns(loss, t.variable, (i, column) => column[i]!);
    out.set(
      t.name,
      diag.reduce((a, b) => a + b, 0),
    );
  }
  return out;
}

/** The Hessian block of one variable, row-major [n, n] (n = variable size), column by column. */
export function hessianBlock(loss: LossFn, variable: tf.Variable): Float64Array {
  const n = variable.size;
  const h = new Float64Array(n * n);
  hessianColumns(loss, variable, (i, column) => {
    for (let j = 0; j < n; j++) h[j * n + i] = column[j]!;
    return 0;
  });
  return h;
}

function hessianColumns(
  loss: LossFn,
  variable: tf.Variable,
  use: (i: number, column: Float32Array) => number,
): number[] {
  const n = variable.size;
  const results: number[] = [];
  for (let i = 0; i < n; i++) {
    const e = tf.tidy(() =>
      tf
        .oneHot(tf.tensor1d([i], 'int32'), n)
        .toFloat()
        .reshape(variable.shape),
    );
    const [hv] = hessianVectorProduct(loss, [variable], [e]);
    results.push(use(i, hv!.dataSync() as Float32Array));
    tf.dispose([e, hv!]);
  }
  return results;
}
