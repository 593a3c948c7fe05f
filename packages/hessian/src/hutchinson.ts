import * as tf from '@tensorflow/tfjs';
import { HessianOptionError } from './errors.js';
import { hessianVectorProductSum, type LossFn, type LossPart } from './hvp.js';
import { RademacherStream } from './rademacher.js';

/** A parameter block whose Hessian trace is wanted (one quantizable layer's weight). */
export interface TraceTarget {
  name: string;
  variable: tf.Variable;
}

export interface HutchinsonOptions {
  /** At most this many Rademacher samples (PyHessian: 100). */
  maxIter?: number;
  /** Stop a layer when |mean_k − mean_{k−1}| / (|mean_{k−1}| + 1e-6) < tol (PyHessian: 1e-3). */
  tol?: number;
  /** Seed of the Rademacher stream. */
  seed?: number;
  /** Called after every sample with the number of layers still running. */
  onIteration?: (iteration: number, running: number) => void;
}

export interface LayerTrace {
  name: string;
  /** Estimated tr(H_ll), the trace of the layer's diagonal Hessian block. */
  trace: number;
  /** trace / #params: HAWQ's `Hutchinson_trace`. */
  tracePerParam: number;
  params: number;
  /** Samples averaged for this layer. */
  samples: number;
  converged: boolean;
  /** vᵀ(Hv) of every sample, for diagnostics. */
  history: number[];
}

export const PYHESSIAN_MAX_ITER = 100;
export const PYHESSIAN_TOL = 1e-3;

/**
 * Hutchinson's estimator of the per-layer Hessian traces: tr(H_ll) = E[v_lᵀ(Hv)_l] for
 * Rademacher v over all selected layers at once (the cross-layer blocks of H contribute zero in
 * expectation), so one Hessian-vector product per sample serves every layer. Each layer keeps a
 * running mean and stops with PyHessian's rule (relative change below `tol`, at most `maxIter`
 * samples); sampling ends when every layer has stopped. `loss` may be given as weighted parts
 * (a batch in chunks); H·v is then summed over them.
 */
export function hutchinsonTraces(
  loss: LossFn | readonly LossPart[],
  targets: readonly TraceTarget[],
  options: HutchinsonOptions = {},
): LayerTrace[] {
  const maxIter = options.maxIter ?? PYHESSIAN_MAX_ITER;
  const tol = options.tol ?? PYHESSIAN_TOL;
  if (!Number.isInteger(maxIter) || maxIter < 1) {
    throw new HessianOptionError(`max-iter ${maxIter} is not a positive integer`);
  }
  if (!(tol > 0) || !Number.isFinite(tol)) {
    throw new HessianOptionError(`tol ${tol} is not a positive number`);
  }
  if (targets.length === 0) throw new HessianOptionError('no layers selected');
  const parts = typeof loss === 'function' ? [{ loss, weight: 1 }] : loss;
  const stream = new RademacherStream(options.seed ?? 0);
  const state = targets.map((t) => ({
    target: t,
    params: t.variable.size,
    history: [] as number[],
    mean: 0,
    done: false,
  }));
  for (let iter = 1; iter <= maxIter; iter++) {
    const active = state.filter((s) => !s.done);
    if (active.length === 0) break;
    const vs = active.map((s) => stream.next(s.target.variable.shape));
    const hv = hessianVectorProductSum(
      parts,
      active.map((s) => s.target.variable),
      vs,
    );
    for (const [i, s] of active.entries()) {
      const vhv = tf.tidy(() => tf.sum(tf.mul(hv[i]!, vs[i]!)).dataSync()[0]!);
      s.history.push(vhv);
      const mean = s.history.reduce((a, b) => a + b, 0) / s.history.length;
      // PyHessian compares the new running mean with the previous one (0 before the first sample).
      if (Math.abs(mean - s.mean) / (Math.abs(s.mean) + 1e-6) < tol) s.done = true;
      s.mean = mean;
    }
    tf.dispose([...vs, ...hv]);
    options.onIteration?.(iter, state.filter((s) => !s.done).length);
  }
  return state.map((s) => ({
    name: s.target.name,
    trace: s.mean,
    tracePerParam: s.mean / s.params,
    params: s.params,
    samples: s.history.length,
    converged: s.done,
    history: s.history,
  }));
}
