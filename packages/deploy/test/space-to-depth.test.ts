// The int8 stem over SpaceToDepth blocks computes exactly the plain stride-2 QLinearConv, for odd
// and even input sizes (odd ones are padded by one zero-point row/column first).
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { ConvOp } from '../src/ir.js';
import { GraphBuilder, valueInfo } from '../src/onnx/graph.js';
import { blockedConv, spaceToDepth2 } from '../src/onnx/space-to-depth.js';

function stemGraph(op: ConvOp, blocked: boolean, zp: number): Uint8Array {
  const g = new GraphBuilder();
  g.reserve('x');
  g.reserve('y');
  const [co, ci, k] = op.shape;
  const u8 = (name: string, v: number) => g.init(name, 'uint8', [], new Uint8Array([v]));
  const b = blockedConv(op);
  if (blocked && !b) throw new Error('not blockable');
  const input = blocked ? spaceToDepth2(g, 'x', 'stem', u8('padv', zp)) : 'x';
  const w = b && blocked ? b.weight : op.weight;
  const kk = b && blocked ? b.k : k;
  const y = g.node(
    'QLinearConv',
    [
      input,
      g.f32('xs', [], [0.02]),
      u8('xz', zp),
      g.init('w', 'int8', [co, blocked ? 4 * ci : ci, kk, kk], w),
      g.f32(
        'ws',
        [co],
        Array.from({ length: co }, (_, i) => 0.01 + i * 0.001),
      ),
      g.init('wz', 'int8', [co], new Int8Array(co)),
      g.f32('ys', [], [0.05]),
      u8('yz', 3),
      g.init(
        'b',
        'int32',
        [co],
        Int32Array.from({ length: co }, (_, i) => i * 7 - 20),
      ),
    ],
    'conv',
    b && blocked
      ? { kernel_shape: [kk, kk], pads: b.pads }
      : { kernel_shape: [k, k], strides: [2, 2], pads: [op.pad, op.pad, op.pad, op.pad] },
  );
  g.output(y, 'y');
  return g.toBytes({
    inputs: [valueInfo('x', 'uint8', [1, ci, 'H', 'W'])],
    outputs: [valueInfo('y', 'uint8')],
    opset: 13,
    name: 'stem',
  });
}

function conv(k: number, pad: number, ci: number, co: number, seed: number): ConvOp {
  let s = seed;
  const weight = Array.from({ length: co * ci * k * k }, () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return (s % 255) - 127;
  });
  return {
    kind: 'conv',
    name: 'stem',
    input: 'x',
    out: 'y',
    shape: [co, ci, k, k],
    weight: Int8Array.from(weight),
    bias: new Int32Array(co),
    weightBits: 8,
    weightScale: new Float32Array(co).fill(1),
    stride: 2,
    pad,
    inputBound: 255,
  };
}

describe('SpaceToDepth stem', () => {
  it.each([
    [7, 3, 3, 16],
    [3, 1, 3, 8],
    [5, 2, 4, 8],
  ])(
    'k=%i p=%i over %i channels: identical bytes at odd and even sizes',
    async (k, pad, ci, co) => {
      const op = conv(k, pad, ci, co, k * 31 + ci);
      for (const [h, w] of [
        [16, 16],
        [15, 17],
        [9, 12],
      ] as const) {
        const x = Uint8Array.from({ length: ci * h * w }, (_, i) => (i * 37 + 11) % 256);
        const run = async (blocked: boolean) => {
          const s = await ort.InferenceSession.create(stemGraph(op, blocked, 128));
          const out = (await s.run({ x: new ort.Tensor('uint8', x, [1, ci, h, w]) }))
            .y as ort.Tensor;
          await s.release();
          return { dims: [...out.dims], data: Array.from(out.data as Uint8Array) };
        };
        const plain = await run(false);
        expect(await run(true)).toEqual(plain);
        expect(plain.dims).toEqual([1, co, Math.ceil(h / 2), Math.ceil(w / 2)]);
      }
    },
  );

  it('leaves convs that are not stride-2 "same" convs alone', () => {
    expect(blockedConv({ ...conv(7, 2, 3, 4, 1), pad: 2 })).toBeUndefined();
    expect(blockedConv({ ...conv(3, 1, 3, 4, 1), stride: 1 })).toBeUndefined();
  });
});
