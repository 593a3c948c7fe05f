// Exact convolution / linear / pooling on integer-valued arrays (float64 accumulators).
// Integer products and sums below 2^53 are exact in float64, so the result is the true integer
// accumulator regardless of summation order. HAWQ computes the same sums in float32; they agree
// while every partial sum stays below 2^24 (checked by `accumulatorBound`).
import { QuantError } from './errors.js';
import { fmaF32 } from './fma.js';

export interface Conv2dGeometry {
  stride: [number, number];
  padding: [number, number];
  dilation?: [number, number];
  groups?: number;
}

export function convOutputSize(
  size: number,
  kernel: number,
  stride: number,
  pad: number,
  dil = 1,
): number {
  return Math.floor((size + 2 * pad - dil * (kernel - 1) - 1) / stride) + 1;
}

/** Dimensions, validation and output size shared by the conv kernels (NCHW input, OIHW weight). */
function convLayout(
  name: string,
  xShape: readonly number[],
  wShape: readonly number[],
  geom: Conv2dGeometry,
) {
  const [n, cin, h, wd] = xShape as [number, number, number, number];
  const [cout, cinG, kh, kw] = wShape as [number, number, number, number];
  const groups = geom.groups ?? 1;
  const [sy, sx] = geom.stride;
  const [py, px] = geom.padding;
  const [dy, dx] = geom.dilation ?? [1, 1];
  if (cinG * groups !== cin) {
    throw new QuantError(`${name}: weight expects ${cinG * groups} input channels, got ${cin}`);
  }
  const ho = convOutputSize(h, kh, sy, py, dy);
  const wo = convOutputSize(wd, kw, sx, px, dx);
  if (ho <= 0 || wo <= 0) throw new QuantError(`${name}: input ${h}x${wd} is too small`);
  const coutG = cout / groups;
  const plane = ho * wo;
  return { n, cin, h, wd, cout, cinG, kh, kw, sy, sx, py, px, dy, dx, ho, wo, coutG, plane };
}

/**
 * acc[n, co, oy, ox] = bias[co] + sum x[n, ci, iy, ix] * w[co, ci, ky, kx]. Input NCHW, weight OIHW.
 */
export function conv2dExact(
  x: ArrayLike<number>,
  xShape: readonly number[],
  w: ArrayLike<number>,
  wShape: readonly number[],
  bias: ArrayLike<number> | undefined,
  geom: Conv2dGeometry,
): { data: Float64Array; shape: number[] } {
  const { n, cin, h, wd, cout, cinG, kh, kw, sy, sx, py, px, dy, dx, ho, wo, coutG, plane } =
    convLayout('conv2dExact', xShape, wShape, geom);
  const out = new Float64Array(n * cout * ho * wo);
  // Precompute the valid output range for each kernel offset so the inner loop has no branches.
  const yRange = rangesFor(kh, ho, h, sy, py, dy);
  const xRange = rangesFor(kw, wo, wd, sx, px, dx);
  for (let b = 0; b < n; b++) {
    for (let co = 0; co < cout; co++) {
      const o = (b * cout + co) * plane;
      const bv = bias ? bias[co]! : 0;
      if (bv !== 0) out.fill(bv, o, o + plane);
      const g = Math.floor(co / coutG);
      for (let cg = 0; cg < cinG; cg++) {
        const ci = g * cinG + cg;
        const xBase = (b * cin + ci) * h * wd;
        for (let ky = 0; ky < kh; ky++) {
          const [y0, y1] = yRange[ky]!;
          for (let kx = 0; kx < kw; kx++) {
            const wv = w[((co * cinG + cg) * kh + ky) * kw + kx]!;
            if (wv === 0) continue;
            const [x0, x1] = xRange[kx]!;
            for (let oy = y0; oy < y1; oy++) {
              const iy = oy * sy - py + ky * dy;
              const rowIn = xBase + iy * wd - px + kx * dx;
              const rowOut = o + oy * wo;
              for (let ox = x0; ox < x1; ox++) {
                const j = rowOut + ox;
                out[j] = out[j]! + wv * x[rowIn + ox * sx]!;
              }
            }
          }
        }
      }
    }
  }
  return { data: out, shape: [n, cout, ho, wo] };
}

/** For each kernel offset: the output indices [start, end) whose input index is inside. */
function rangesFor(k: number, outSize: number, inSize: number, s: number, p: number, d: number) {
  const r: [number, number][] = [];
  for (let kk = 0; kk < k; kk++) {
    let start = 0;
    while (start < outSize && start * s - p + kk * d < 0) start++;
    let end = outSize;
    while (end > start && (end - 1) * s - p + kk * d >= inSize) end--;
    r.push([start, end]);
  }
  return r;
}

/** y[n, o] = bias[o] + sum_i x[n, i] * w[o, i]. */
export function linearExact(
  x: ArrayLike<number>,
  batch: number,
  w: ArrayLike<number>,
  outFeatures: number,
  bias: ArrayLike<number> | undefined,
): Float64Array {
  const inFeatures = x.length / batch;
  if (w.length !== outFeatures * inFeatures) {
    throw new QuantError(
      `linearExact: weight has ${w.length} values, expected ${outFeatures}x${inFeatures}`,
    );
  }
  const out = new Float64Array(batch * outFeatures);
  for (let b = 0; b < batch; b++) {
    for (let o = 0; o < outFeatures; o++) {
      let acc = bias ? bias[o]! : 0;
      for (let i = 0; i < inFeatures; i++) acc += x[b * inFeatures + i]! * w[o * inFeatures + i]!;
      out[b * outFeatures + o] = acc;
    }
  }
  return out;
}

/**
 * Largest |partial sum| the convolution can reach: max over output channels of
 * |bias| + sum |w| * max|x|. Below 2^24 a float32 convolution is exact in any order.
 */
export function accumulatorBound(
  maxAbsInput: number,
  w: ArrayLike<number>,
  cout: number,
  bias?: ArrayLike<number>,
): number {
  const per = w.length / cout;
  let worst = 0;
  for (let co = 0; co < cout; co++) {
    let s = bias ? Math.abs(bias[co]!) : 0;
    for (let i = co * per; i < (co + 1) * per; i++) s += Math.abs(w[i]!) * maxAbsInput;
    if (s > worst) worst = s;
  }
  return worst;
}

/** Max pooling with -inf padding (PyTorch MaxPool2d semantics, floor mode). */
export function maxPool2d(
  x: Float32Array,
  shape: readonly number[],
  kernel: number,
  stride: number,
  padding: number,
): { data: Float32Array; shape: number[] } {
  const [n, c, h, w] = shape as [number, number, number, number];
  const ho = convOutputSize(h, kernel, stride, padding);
  const wo = convOutputSize(w, kernel, stride, padding);
  const out = new Float32Array(n * c * ho * wo);
  for (let p = 0; p < n * c; p++) {
    for (let oy = 0; oy < ho; oy++) {
      for (let ox = 0; ox < wo; ox++) {
        let m = Number.NEGATIVE_INFINITY;
        for (let ky = 0; ky < kernel; ky++) {
          const iy = oy * stride - padding + ky;
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < kernel; kx++) {
            const ix = ox * stride - padding + kx;
            if (ix < 0 || ix >= w) continue;
            const v = x[(p * h + iy) * w + ix]!;
            if (v > m || Number.isNaN(v)) m = v;
          }
        }
        out[(p * ho + oy) * wo + ox] = m;
      }
    }
  }
  return { data: out, shape: [n, c, ho, wo] };
}

/**
 * PyTorch 1.13 CPU float32 convolution, reproduced bit for bit: the output starts at the bias
 * and adds float32-rounded products in im2col order (input channel, ky, kx), each sum rounded
 * to float32 — the order of THNN's slow_conv2d with the generic BLAS gemm that the reference
 * build uses (verified against torch on the golden data). HAWQ feeds it x / s_in, which is not
 * always an exact integer, so this order matters for bit-exact calibration ranges.
 */
export function conv2dTorchF32(
  x: ArrayLike<number>,
  xShape: readonly number[],
  w: ArrayLike<number>,
  wShape: readonly number[],
  bias: ArrayLike<number> | undefined,
  geom: Conv2dGeometry,
): { data: Float32Array; shape: number[] } {
  const { n, cin, h, wd, cout, cinG, kh, kw, sy, sx, py, px, dy, dx, ho, wo, coutG, plane } =
    convLayout('conv2dTorchF32', xShape, wShape, geom);
  const out = new Float32Array(n * cout * ho * wo);
  const yRange = rangesFor(kh, ho, h, sy, py, dy);
  const xRange = rangesFor(kw, wo, wd, sx, px, dx);
  const f = Math.fround;
  for (let b = 0; b < n; b++) {
    for (let co = 0; co < cout; co++) {
      const o = (b * cout + co) * plane;
      if (bias) out.fill(bias[co]!, o, o + plane);
      const g = Math.floor(co / coutG);
      for (let cg = 0; cg < cinG; cg++) {
        const xBase = (b * cin + g * cinG + cg) * h * wd;
        for (let ky = 0; ky < kh; ky++) {
          const [y0, y1] = yRange[ky]!;
          for (let kx = 0; kx < kw; kx++) {
            // zero weights and padded taps add exactly 0, which leaves a float32 sum unchanged
            const wv = w[((co * cinG + cg) * kh + ky) * kw + kx]!;
            if (wv === 0) continue;
            const [x0, x1] = xRange[kx]!;
            for (let oy = y0; oy < y1; oy++) {
              const rowIn = xBase + (oy * sy - py + ky * dy) * wd - px + kx * dx;
              const rowOut = o + oy * wo;
              for (let ox = x0; ox < x1; ox++) {
                const j = rowOut + ox;
                // Float32Array store rounds the double sum once: fl32(acc + fl32(w * x))
                out[j] = out[j]! + f(wv * x[rowIn + ox * sx]!);
              }
            }
          }
        }
      }
    }
  }
  return { data: out, shape: [n, cout, ho, wo] };
}

/** PyTorch 1.13 CPU F.linear in float32: sequential float32 dot product, bias added last. */
export function linearTorchF32(
  x: ArrayLike<number>,
  batch: number,
  w: ArrayLike<number>,
  outFeatures: number,
  bias: ArrayLike<number> | undefined,
): Float32Array {
  const inFeatures = x.length / batch;
  if (w.length !== outFeatures * inFeatures) {
    throw new QuantError(
      `linearTorchF32: weight has ${w.length} values, expected ${outFeatures}x${inFeatures}`,
    );
  }
  const f = Math.fround;
  const out = new Float32Array(batch * outFeatures);
  for (let b = 0; b < batch; b++) {
    for (let o = 0; o < outFeatures; o++) {
      let acc = 0;
      for (let i = 0; i < inFeatures; i++)
        acc = f(acc + f(x[b * inFeatures + i]! * w[o * inFeatures + i]!));
      out[b * outFeatures + o] = bias ? f(acc + bias[o]!) : acc;
    }
  }
  return out;
}

/** Input channels oneDNN's AVX2 kernel accumulates per partial sum (measured on torch 1.13). */
const ONEDNN_IC_BLOCK = 16;

/**
 * PyTorch 1.13 CPU float32 convolution when it dispatches to oneDNN: per block of 16 input
 * channels a partial sum starts at 0 and accumulates fused multiply-adds in (ky, kx, c) order;
 * the first block's sum gets the bias, later blocks are added to it (verified against torch on
 * 1×1/3×3/7×7 kernels, strides 1/2, 3–128 channels, batch 1–2).
 */
export function conv2dOneDnnF32(
  x: ArrayLike<number>,
  xShape: readonly number[],
  w: ArrayLike<number>,
  wShape: readonly number[],
  bias: ArrayLike<number> | undefined,
  geom: Conv2dGeometry,
): { data: Float32Array; shape: number[] } {
  const { n, cin, h, wd, cout, cinG, kh, kw, sy, sx, py, px, dy, dx, ho, wo, coutG, plane } =
    convLayout('conv2dOneDnnF32', xShape, wShape, geom);
  const out = new Float32Array(n * cout * ho * wo);
  const part = new Float32Array(ho * wo);
  const yRange = rangesFor(kh, ho, h, sy, py, dy);
  const xRange = rangesFor(kw, wo, wd, sx, px, dx);
  for (let b = 0; b < n; b++) {
    for (let co = 0; co < cout; co++) {
      const o = (b * cout + co) * plane;
      const g = Math.floor(co / coutG);
      const bv = bias ? bias[co]! : 0;
      for (let c0 = 0; c0 < cinG; c0 += ONEDNN_IC_BLOCK) {
        part.fill(0);
        const c1 = Math.min(cinG, c0 + ONEDNN_IC_BLOCK);
        for (let ky = 0; ky < kh; ky++) {
          const [y0, y1] = yRange[ky]!;
          for (let kx = 0; kx < kw; kx++) {
            const [x0, x1] = xRange[kx]!;
            for (let cg = c0; cg < c1; cg++) {
              const wv = w[((co * cinG + cg) * kh + ky) * kw + kx]!;
              if (wv === 0) continue;
              const xBase = (b * cin + g * cinG + cg) * h * wd;
              for (let oy = y0; oy < y1; oy++) {
                const rowIn = xBase + (oy * sy - py + ky * dy) * wd - px + kx * dx;
                const rowOut = oy * wo;
                for (let ox = x0; ox < x1; ox++) {
                  const j = rowOut + ox;
                  part[j] = fmaF32(wv, x[rowIn + ox * sx]!, part[j]!);
                }
              }
            }
          }
        }
        // Float32Array stores round the double sums once
        if (c0 === 0) for (let j = 0; j < plane; j++) out[o + j] = part[j]! + bv;
        else for (let j = 0; j < plane; j++) out[o + j] = out[o + j]! + part[j]!;
      }
    }
  }
  return { data: out, shape: [n, cout, ho, wo] };
}

/**
 * PyTorch 1.13's CPU choice between THNN and oneDNN for a float32 conv (ConvParams::use_mkldnn)
 * with one thread, the setting of the reference runs.
 */
export function torchUsesOneDnn(
  xShape: readonly number[],
  wShape: readonly number[],
  geom: Conv2dGeometry,
  threads = 1,
): boolean {
  const [n, c, h, w] = xShape as [number, number, number, number];
  const [, , kh, kw] = wShape as [number, number, number, number];
  const strided = geom.stride[0] !== 1 || geom.stride[1] !== 1;
  const dilated = (geom.dilation ?? [1, 1]).some((d) => d !== 1);
  const groups = geom.groups ?? 1;
  const pointwise = kh === 1 && kw === 1;
  // for 1x1 filters THNN is faster single-threaded; small inputs stay native
  return (
    (strided || dilated || n >= 16 || !pointwise || threads > 1) &&
    (groups > 1 || (kh > 3 && kw > 3) || n > 1 || n * c * h * w > 20480)
  );
}
