// A stride-2 "same" conv over few channels (the RGB stem) as a stride-1 conv over SpaceToDepth
// blocks: x'[(ry·2 + rx)·C + c, a, b] = x[c, 2a + ry, 2b + rx], so tap dy = 2j + ry + p of the
// original is tap j − jmin of a smaller kernel over 4·C channels. ORT's QLinearConv builds its rows
// from C-byte pieces and ran the 7×7×3 stem at a fifth of the speed of a 3×3 64→64 conv with the
// same MACs (1.92 vs 0.38 ms, 1 thread); over 12 channels it takes 1.17 ms (ResNet18 int8 batch 1
// at 2 threads: 4.4 → 4.1 ms).
import type { ConvOp } from '../ir.js';
import type { GraphBuilder } from './graph.js';

export interface BlockedConv {
  /** Kernel size of the blocked conv, its pads [top, left, bottom, right], weights [co, 4·ci, k, k]. */
  k: number;
  pads: [number, number, number, number];
  weight: Int8Array;
}

/**
 * The stride-1 conv on SpaceToDepth(2) input equal to `op`, for stride-2 convs with k = 2p + 1
 * (output size ⌈H/2⌉ for every H, so an odd input can be padded by one zero-point row/column at
 * the end without changing the result); undefined otherwise.
 */
export function blockedConv(op: ConvOp): BlockedConv | undefined {
  const [co, ci, k] = op.shape;
  const p = op.pad;
  if (op.stride !== 2 || k !== 2 * p + 1) return undefined;
  const split = (d: number): [number, number] => {
    const j = Math.floor((d - p) / 2);
    return [j, d - p - 2 * j];
  };
  const jmin = Math.floor(-p / 2);
  const jmax = Math.floor(p / 2);
  const kb = jmax - jmin + 1;
  const weight = new Int8Array(co * 4 * ci * kb * kb);
  for (let o = 0; o < co; o++)
    for (let c = 0; c < ci; c++)
      for (let dy = 0; dy < k; dy++)
        for (let dx = 0; dx < k; dx++) {
          const [jy, ry] = split(dy);
          const [jx, rx] = split(dx);
          const ch = (ry * 2 + rx) * ci + c;
          weight[((o * 4 * ci + ch) * kb + jy - jmin) * kb + jx - jmin] = op.weight[
            ((o * ci + c) * k + dy) * k + dx
          ] as number;
        }
  return { k: kb, pads: [-jmin, -jmin, jmax, jmax], weight };
}

/** SpaceToDepth(2) of an NCHW tensor, padded at the end to even H and W with `padValue` first. */
export function spaceToDepth2(g: GraphBuilder, x: string, name: string, padValue: string): string {
  const hw = g.node(
    'Slice',
    [g.node('Shape', [x], `${name}.shape`), g.i64(`${name}.hw.s`, [2]), g.i64(`${name}.hw.e`, [4])],
    `${name}.hw`,
  );
  const odd = g.node('Mod', [hw, g.i64(`${name}.two`, [2])], `${name}.odd`);
  const pads = g.node('Concat', [g.i64(`${name}.zeros`, [0, 0, 0, 0, 0, 0]), odd], `${name}.pads`, {
    axis: 0,
  });
  const even = g.node('Pad', [x, pads, padValue], `${name}.even`);
  return g.node('SpaceToDepth', [even], `${name}.s2d`, { blocksize: 2 });
}
