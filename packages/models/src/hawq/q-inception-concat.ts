// HAWQ's multi-branch QuantAct (Inception concat): `pre_act_scaling_factor` is a list with one
// scale per branch. The range is observed on the whole concatenated tensor, then each branch's
// channel slice is requantized with fixedpoint_fn case 0 from its own scale (weight scale
// s_i / s_i = 1) to the common output scale, clamped to the bit range (hawq-spec §4).
import {
  f32,
  fixedpointFn,
  passThrough,
  type QuantAct,
  type QuantActResult,
  type RequantArithmetic,
  type RequantParams,
  type Tracer,
  type Values,
} from '@hawq-ts/core';
import * as tf from '@tensorflow/tfjs';
import { QModelError } from './errors.js';

export interface BranchPart {
  value: Values;
  scale: number;
}

interface Dense<T> {
  shape: number[];
  data: T;
}

/** torch.cat(parts, dim=1) for dense NCHW arrays (float32 values or float64 integers). */
function catChannels<T extends Float32Array | Float64Array>(
  parts: readonly Dense<T>[],
  make: (length: number) => T,
): Dense<T> {
  const first = parts[0];
  if (!first) throw new QModelError('concatChannels: no branches');
  const [n, , h, w] = first.shape as [number, number, number, number];
  let channels = 0;
  for (const p of parts) {
    if (p.shape[0] !== n || p.shape[2] !== h || p.shape[3] !== w) {
      throw new QModelError(
        `concatChannels: branch shape [${p.shape}] does not match [${first.shape}]`,
      );
    }
    channels += p.shape[1]!;
  }
  const data = make(n * channels * h * w);
  for (let i = 0; i < n; i++) {
    let offset = i * channels * h * w;
    for (const p of parts) {
      const size = p.shape[1]! * h * w;
      data.set(p.data.subarray(i * size, (i + 1) * size), offset);
      offset += size;
    }
  }
  return { shape: [n, channels, h, w], data };
}

export function concatChannels(parts: readonly Values[]): Values {
  return catChannels(parts, (len) => new Float32Array(len));
}

const concatInts = (parts: readonly Dense<Float64Array>[]) =>
  catChannels(parts, (len) => new Float64Array(len)).data;

/** The exact multi-branch QuantAct forward (HAWQ's `type(pre_act_scaling_factor) is list`). */
export function requantConcatExact(
  act: QuantAct,
  parts: readonly BranchPart[],
  opts: { tracer?: Tracer | undefined; arithmetic?: RequantArithmetic | undefined } = {},
): QuantActResult {
  const x = concatChannels(parts.map((p) => p.value));
  // fixed-point mode and full precision ignore the list exactly like a missing scale
  if (act.fixedPointQuantization || act.fullPrecisionFlag) {
    return act.forwardExact(x, {}, { ...(opts.tracer ? { tracer: opts.tracer } : {}) });
  }
  let batch: [number, number] | undefined;
  if (act.runningStat) {
    batch = act.batchRange(x.data);
    act.observe(batch[0], batch[1]);
  }
  const s = act.updateScale();
  const requant: RequantParams[] = [];
  let unsafeProducts = 0;
  const ints: Dense<Float64Array>[] = [];
  const accs: Dense<Float64Array>[] = [];
  for (const p of parts) {
    const r = fixedpointFn(
      p.value,
      act.activationBit,
      act.quantMode,
      s,
      {
        preActScalingFactor: p.scale,
        preWeightScalingFactor: Float32Array.of(f32(p.scale / p.scale)),
      },
      opts.arithmetic ?? 'float64',
    );
    ints.push({ shape: p.value.shape, data: r.out });
    if (r.accInt) accs.push({ shape: p.value.shape, data: r.accInt });
    requant.push(...r.requant);
    unsafeProducts += r.unsafeProducts;
  }
  const outInt = concatInts(ints);
  const value = Float32Array.from(outInt, (q) => f32(q * s));
  opts.tracer?.act?.({
    module: act.name,
    bits: act.activationBit,
    quantMode: act.quantMode,
    fixedpointCase: 0,
    actScalingFactor: s,
    xMin: act.xMin,
    xMax: act.xMax,
    ...(batch ? { batchMin: batch[0], batchMax: batch[1] } : {}),
    shape: [...x.shape],
    outInt,
    ...(accs.length === parts.length ? { accInt: concatInts(accs) } : {}),
    requant,
    unsafeProducts,
  });
  return { value: { shape: x.shape, data: value }, scale: s, outInt };
}

/**
 * The same on tfjs: the integers come from the exact JS code and enter the graph with HAWQ's
 * straight-through (identity) gradient, routed back to each branch by tf.concat's gradient.
 */
export function requantConcatForward(
  act: QuantAct,
  parts: readonly { y: tf.Tensor4D; scale: number }[],
  tracer?: Tracer,
): { y: tf.Tensor4D; scale: number } {
  const x = tf.concat(
    parts.map((p) => p.y),
    1,
  );
  const r = requantConcatExact(
    act,
    parts.map((p) => ({
      value: { shape: p.y.shape, data: p.y.dataSync() as Float32Array },
      scale: p.scale,
    })),
    tracer ? { tracer } : {},
  );
  return { y: passThrough(x, r.value.data), scale: r.scale };
}
