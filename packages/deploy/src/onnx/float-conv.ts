// Integer-valued float32 convolutions/GEMMs: exact while every partial sum stays within 2^24
// (split.ts proves the bound and plans input-channel groups beyond it). Used by the exact engine's
// stem, by the previous exact graph (exactKernels: 'float32') and by HAWQ's float32 simulation.
import type { ConvOp, LinearOp } from '../ir.js';
import type { GraphBuilder } from './graph.js';
import { planSplit } from './split.js';

/**
 * One fp32 Conv/Gemm with the bias inside. Exact when planSplit says `biasInFloat`; otherwise it is
 * HAWQ's float32 simulation of the accumulator (then rounded to the nearest integer, as HAWQ does).
 */
export function float32Layer(
  g: GraphBuilder,
  x: string,
  op: ConvOp | LinearOp,
  round: boolean,
): string {
  const co = op.shape[0];
  const y =
    op.kind === 'conv'
      ? g.node(
          'Conv',
          [
            x,
            g.f32(`${op.name}.w`, [...op.shape], op.weight),
            g.f32(`${op.name}.b`, [co], op.bias),
          ],
          `${op.name}.f32acc`,
          {
            kernel_shape: [op.shape[2], op.shape[3]],
            strides: [op.stride, op.stride],
            pads: [op.pad, op.pad, op.pad, op.pad],
          },
        )
      : g.node(
          'Gemm',
          [
            x,
            g.f32(`${op.name}.w`, [...op.shape], op.weight),
            g.f32(`${op.name}.b`, [co], op.bias),
          ],
          `${op.name}.f32acc`,
          { transB: 1 },
        );
  return round ? g.node('Round', [y], `${op.name}.f32round`) : y;
}

/** Integer-valued float32 conv of `x` (NCHW float32), exact by planSplit's bound; also the exact engine's stem. */
export function exactFloatConv(
  g: GraphBuilder,
  op: ConvOp,
  x: string,
  nonNeg: boolean,
): ['float' | 'double', string] {
  const [co, ci, k] = op.shape;
  const plan = planSplit(op, nonNeg);
  if (plan.biasInFloat) return ['float', float32Layer(g, x, op, false)];
  const xs =
    plan.groups.length > 1
      ? g.multi(
          'Split',
          [x, g.i64(`${op.name}.split`, plan.groups)],
          plan.groups.map((_, i) => `${op.name}.x${i}`),
          { axis: 1 },
        )
      : [x];
  const outs: string[] = [];
  let c0 = 0;
  plan.groups.forEach((cg, i) => {
    const w = new Float32Array(co * cg * k * k);
    for (let o = 0; o < co; o++) {
      for (let c = 0; c < cg; c++) {
        for (let t = 0; t < k * k; t++)
          w[(o * cg + c) * k * k + t] = op.weight[(o * ci + c0 + c) * k * k + t] as number;
      }
    }
    const xi = xs[i] as string;
    const y = g.node(
      'Conv',
      [xi, g.f32(`${op.name}.w${i}`, [co, cg, k, k], w)],
      `${op.name}.conv${i}`,
      {
        kernel_shape: [k, k],
        strides: [op.stride, op.stride],
        pads: [op.pad, op.pad, op.pad, op.pad],
      },
    );
    outs.push(g.node('Cast', [y], `${op.name}.acc${i}`, { to: 11 }));
    c0 += cg;
  });
  const sum = outs.length > 1 ? g.node('Sum', outs, `${op.name}.sum`) : (outs[0] as string);
  return ['double', g.node('Add', [sum, g.f64(`${op.name}.b`, [1, co, 1, 1], op.bias)], op.out)];
}
