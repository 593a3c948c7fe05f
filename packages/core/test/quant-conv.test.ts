import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  accumulatorBound,
  conv2dExact,
  conv2dTorchF32,
  linearExact,
  linearTorchF32,
  maxPool2d,
} from '../src/quant/index.js';

/** Naive reference convolution (direct definition, float64). */
function refConv(
  x: number[],
  [n, c, h, w]: number[],
  k: number[],
  [o, , kh, kw]: number[],
  stride: number,
  pad: number,
) {
  const ho = Math.floor((h! + 2 * pad - kh!) / stride) + 1;
  const wo = Math.floor((w! + 2 * pad - kw!) / stride) + 1;
  const out: number[] = [];
  for (let b = 0; b < n!; b++)
    for (let co = 0; co < o!; co++)
      for (let y = 0; y < ho; y++)
        for (let xx = 0; xx < wo; xx++) {
          let s = 0;
          for (let ci = 0; ci < c!; ci++)
            for (let i = 0; i < kh!; i++)
              for (let j = 0; j < kw!; j++) {
                const iy = y * stride - pad + i;
                const ix = xx * stride - pad + j;
                if (iy >= 0 && iy < h! && ix >= 0 && ix < w!)
                  s +=
                    x[((b * c! + ci) * h! + iy) * w! + ix]! *
                    k[((co * c! + ci) * kh! + i) * kw! + j]!;
              }
          out.push(s);
        }
  return out;
}

describe('exact convolutions', () => {
  it('conv2dExact and conv2dTorchF32 equal the direct definition on small integers', () => {
    fc.assert(
      fc.property(
        fc.record({
          c: fc.integer({ min: 1, max: 3 }),
          o: fc.integer({ min: 1, max: 3 }),
          h: fc.integer({ min: 3, max: 7 }),
          k: fc.constantFrom(1, 3),
          stride: fc.constantFrom(1, 2),
          pad: fc.constantFrom(0, 1),
        }),
        fc.integer({ min: 0, max: 1000 }),
        ({ c, o, h, k, stride, pad }, seed) => {
          const xs = [1, c, h, h];
          const ws = [o, c, k, k];
          const x = Array.from({ length: c * h * h }, (_, i) => ((i * 7919 + seed) % 255) - 127);
          const w = Array.from({ length: o * c * k * k }, (_, i) => ((i * 104729 + seed) % 15) - 7);
          const ref = refConv(x, xs, w, ws, stride, pad);
          const geom = {
            stride: [stride, stride] as [number, number],
            padding: [pad, pad] as [number, number],
          };
          expect(Array.from(conv2dExact(x, xs, w, ws, undefined, geom).data)).toEqual(ref);
          expect(Array.from(conv2dTorchF32(x, xs, w, ws, undefined, geom).data)).toEqual(ref);
        },
      ),
    );
  });
  it('float32 accumulation starts at the bias and rounds every step', () => {
    // 2^24 + 1 is not a float32: bias 2^24 then +1 stays 2^24, the exact sum does not
    const geom = { stride: [1, 1] as [number, number], padding: [0, 0] as [number, number] };
    const f = conv2dTorchF32([1], [1, 1, 1, 1], [1], [1, 1, 1, 1], [2 ** 24], geom);
    const e = conv2dExact([1], [1, 1, 1, 1], [1], [1, 1, 1, 1], [2 ** 24], geom);
    expect(f.data[0]).toBe(2 ** 24);
    expect(e.data[0]).toBe(2 ** 24 + 1);
    expect(accumulatorBound(127, [127, -127], 1)).toBe(2 * 127 * 127);
  });
  it('linear: float32 dot product with the bias added last', () => {
    expect(Array.from(linearTorchF32([1, 2, 3, 4], 2, [1, -1], 1, [0.5]))).toEqual([-0.5, -0.5]);
    expect(Array.from(linearExact([1, 2, 3, 4], 2, [1, -1], 1, undefined))).toEqual([-1, -1]);
  });
  it('max pool pads with -inf', () => {
    const r = maxPool2d(Float32Array.from([-5, -6, -7, -8]), [1, 1, 2, 2], 3, 2, 1);
    expect(Array.from(r.data)).toEqual([-5]);
  });
});

describe('PyTorch 1.13 CPU convolution order (fixture recorded with torch)', async () => {
  const { readFileSync } = await import('node:fs');
  const { conv2dOneDnnF32, torchUsesOneDnn } = await import('../src/quant/index.js');
  const fixture = JSON.parse(
    readFileSync(new URL('./fixtures/torch-conv-order.json', import.meta.url), 'utf8'),
  ) as {
    cases: {
      name: string;
      xShape: number[];
      x: number[];
      wShape: number[];
      w: number[];
      bias: number[];
      stride: number;
      pad: number;
      y: number[];
    }[];
  };
  for (const c of fixture.cases) {
    it(`reproduces torch bit for bit: ${c.name}`, () => {
      const geom = {
        stride: [c.stride, c.stride] as [number, number],
        padding: [c.pad, c.pad] as [number, number],
      };
      const onednn = torchUsesOneDnn(c.xShape, c.wShape, geom);
      expect(onednn).toBe(c.name.startsWith('onednn'));
      const conv = onednn ? conv2dOneDnnF32 : conv2dTorchF32;
      const y = conv(Float32Array.from(c.x), c.xShape, c.w, c.wShape, c.bias, geom);
      expect(Array.from(y.data)).toEqual(c.y);
      // the other order really differs on these non-integer inputs
      const other = (onednn ? conv2dTorchF32 : conv2dOneDnnF32)(
        Float32Array.from(c.x),
        c.xShape,
        c.w,
        c.wShape,
        c.bias,
        geom,
      );
      expect(Array.from(other.data)).not.toEqual(c.y);
    });
  }
});

describe('integer convolution mode', async () => {
  const { convolveQuantized } = await import('../src/quant/index.js');
  const { initBackend } = await import('../src/backend/index.js');
  it('uses the tfjs kernel only when exact, and equals the float64 reference', async () => {
    await initBackend({ backend: 'cpu', log: () => {} });
    const s = Math.fround(0.05);
    const xShape = [2, 3, 9, 9];
    const x = Float32Array.from({ length: 2 * 3 * 81 }, (_, i) =>
      Math.fround((((i * 31) % 255) - 127) * s),
    );
    const geom = { stride: [2, 2] as [number, number], padding: [1, 1] as [number, number] };
    for (const scaleW of [1, 2 ** 10]) {
      // the second weight set pushes the bound past 2^24 and must take the JS path
      const w = Array.from({ length: 4 * 3 * 9 }, (_, i) => (((i * 7) % 15) - 7) * scaleW);
      const bias = [5, -3, 0, 100];
      const xInt = Array.from(x, (v) => Math.round(Math.fround(v / s)));
      const ref = conv2dExact(xInt, xShape, w, [4, 3, 3, 3], bias, geom);
      const got = convolveQuantized(
        { shape: xShape, data: x },
        s,
        w,
        [4, 3, 3, 3],
        bias,
        geom,
        'integer',
      );
      expect(got.shape).toEqual(ref.shape);
      expect(Array.from(got.data)).toEqual(Array.from(ref.data, Math.fround));
    }
  });
});
