// Pillow's ImagingResample (libImaging/Resample.c, Pillow 9.4) for 8-bit images with the BILINEAR
// (triangle) filter, which torchvision's Resize uses. Re-implemented rather than using sharp/libvips,
// whose linear kernel samples at other positions (off by up to 168 levels when enlarging, ±2 when
// shrinking); this gives PIL's bytes exactly. The filter widens by the downscale factor (antialias),
// the two passes (horizontal, then vertical) each round to uint8, and weights are 22-bit fixed point.
import { type RgbImage, rgbImage } from './image.js';

const PRECISION_BITS = 32 - 8 - 2;
const ONE = 1 << PRECISION_BITS;
const HALF = 1 << (PRECISION_BITS - 1);

/** Per-output-sample filter taps for one axis: input window [start, start+count) and int weights. */
interface Coefficients {
  readonly start: Int32Array;
  readonly count: Int32Array;
  /** `ksize` weights per output sample, fixed point with 22 fractional bits. */
  readonly weights: Int32Array;
  readonly ksize: number;
}

function triangle(x: number): number {
  const a = x < 0 ? -x : x;
  return a < 1 ? 1 - a : 0;
}

/** precompute_coeffs + normalize_coeffs_8bpc for the box [0, inSize). */
export function resampleCoefficients(inSize: number, outSize: number): Coefficients {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = 1 * filterScale;
  const ksize = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Int32Array(outSize * ksize);
  const w = new Float64Array(ksize);
  const ss = 1 / filterScale;
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    // C's (int) cast truncates toward zero; the values are ≥ -0.5 here, so trunc matches.
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let sum = 0;
    for (let x = 0; x < xmax; x++) {
      const v = triangle((x + xmin - center + 0.5) * ss);
      w[x] = v;
      sum += v;
    }
    for (let x = 0; x < xmax; x++) {
      const v = sum !== 0 ? w[x]! / sum : w[x]!;
      // Bilinear weights are never negative, so PIL's (int)(0.5 + v * 2^22) is trunc(v * 2^22 + 0.5).
      weights[xx * ksize + x] = Math.trunc(0.5 + v * ONE);
    }
    start[xx] = xmin;
    count[xx] = xmax;
  }
  return { start, count, weights, ksize };
}

/** Rows [y0, y1) of the output region; columns [x0, x1). */
export interface Region {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

/**
 * `Image.resize((outW, outH), BILINEAR)` on an RGB image. With `region`, only that window of the
 * output is computed and returned (every output pixel depends only on its own taps, so a crop of the
 * full result is bit-identical and cheaper).
 */
export function resizeBilinear(
  img: RgbImage,
  outW: number,
  outH: number,
  region?: Region,
): RgbImage {
  const r = region ?? { x0: 0, y0: 0, x1: outW, y1: outH };
  const needH = outW !== img.width;
  const needV = outH !== img.height;
  let src = img;
  // Source rows the region needs; without a vertical pass these are the region's own rows.
  let rowBase = 0;
  let vert: Coefficients | undefined;
  if (needV) {
    vert = resampleCoefficients(img.height, outH);
    rowBase = vert.start[r.y0]!;
    const lastRow = vert.start[r.y1 - 1]! + vert.count[r.y1 - 1]!;
    src = needH
      ? horizontalPass(img, outW, r.x0, r.x1, rowBase, lastRow)
      : crop(img, r.x0, rowBase, r.x1 - r.x0, lastRow - rowBase);
  } else if (needH) {
    src = horizontalPass(img, outW, r.x0, r.x1, r.y0, r.y1);
  } else {
    return crop(img, r.x0, r.y0, r.x1 - r.x0, r.y1 - r.y0);
  }
  return vert ? verticalPass(src, vert, rowBase, r.y0, r.y1) : src;
}

/** Horizontal pass for output columns [x0, x1) of input rows [y0, y1). */
function horizontalPass(
  img: RgbImage,
  outW: number,
  x0: number,
  x1: number,
  y0: number,
  y1: number,
): RgbImage {
  const c = resampleCoefficients(img.width, outW);
  const w = x1 - x0;
  const out = rgbImage(w, y1 - y0);
  const src = img.data;
  // Writing through a clamped view saturates to 0..255 (exact for integers) without branches.
  const dst = clamped(out.data);
  const kw = c.weights;
  const counts = c.count;
  const starts = c.start;
  const ksize = c.ksize;
  const stride = img.width * 3;
  let maxTaps = 0;
  for (let xx = x0; xx < x1; xx++) maxTaps = Math.max(maxTaps, counts[xx]!);
  if (maxTaps <= 4) {
    // Up to four taps per output pixel, written out (about twice as fast in V8 as a loop over
    // taps); missing taps get weight 0 at the first tap's offset. Sums stay below 2^31: exact.
    const wt = new Int32Array(w * 4);
    const off = new Int32Array(w * 4);
    for (let j = 0; j < w; j++) {
      const xx = x0 + j;
      for (let t = 0; t < 4; t++) {
        const real = t < counts[xx]!;
        wt[j * 4 + t] = real ? kw[xx * ksize + t]! : 0;
        off[j * 4 + t] = (starts[xx]! + (real ? t : 0)) * 3;
      }
    }
    for (let y = y0; y < y1; y++) {
      const rowIn = y * stride;
      let o = (y - y0) * w * 3;
      for (let b = 0; b < w * 4; b += 4) {
        const q0 = rowIn + off[b]!;
        const q1 = rowIn + off[b + 1]!;
        const q2 = rowIn + off[b + 2]!;
        const q3 = rowIn + off[b + 3]!;
        const w0 = wt[b]!;
        const w1 = wt[b + 1]!;
        const w2 = wt[b + 2]!;
        const w3 = wt[b + 3]!;
        dst[o++] =
          (HALF + src[q0]! * w0 + src[q1]! * w1 + src[q2]! * w2 + src[q3]! * w3) >> PRECISION_BITS;
        dst[o++] =
          (HALF + src[q0 + 1]! * w0 + src[q1 + 1]! * w1 + src[q2 + 1]! * w2 + src[q3 + 1]! * w3) >>
          PRECISION_BITS;
        dst[o++] =
          (HALF + src[q0 + 2]! * w0 + src[q1 + 2]! * w1 + src[q2 + 2]! * w2 + src[q3 + 2]! * w3) >>
          PRECISION_BITS;
      }
    }
    return out;
  }
  for (let y = y0; y < y1; y++) {
    const rowIn = y * stride;
    let o = (y - y0) * w * 3;
    for (let xx = x0; xx < x1; xx++) {
      let k = xx * ksize;
      const kEnd = k + counts[xx]!;
      let p = rowIn + starts[xx]! * 3;
      let s0 = HALF;
      let s1 = HALF;
      let s2 = HALF;
      // Products and sums stay below 2^31 (255 × ~2^22), so int32 arithmetic is exact.
      for (; k < kEnd; k++, p += 3) {
        const wk = kw[k]!;
        s0 = (s0 + Math.imul(src[p]!, wk)) | 0;
        s1 = (s1 + Math.imul(src[p + 1]!, wk)) | 0;
        s2 = (s2 + Math.imul(src[p + 2]!, wk)) | 0;
      }
      dst[o++] = s0 >> PRECISION_BITS;
      dst[o++] = s1 >> PRECISION_BITS;
      dst[o++] = s2 >> PRECISION_BITS;
    }
  }
  return out;
}

/** Vertical pass for output rows [y0, y1); `src` row 0 is input row `rowBase`. */
function verticalPass(
  src: RgbImage,
  c: Coefficients,
  rowBase: number,
  y0: number,
  y1: number,
): RgbImage {
  const rowLen = src.width * 3;
  const out = rgbImage(src.width, y1 - y0);
  const s = src.data;
  const dst = clamped(out.data);
  const kw = c.weights;
  const acc = new Float64Array(rowLen);
  for (let yy = y0; yy < y1; yy++) {
    const n = c.count[yy]!;
    const k0 = yy * c.ksize;
    const first = (c.start[yy]! - rowBase) * rowLen;
    const o = (yy - y0) * rowLen;
    // Taps go four rows at a time with explicit terms (about twice as fast in V8 as a loop over taps);
    // missing taps get weight 0 on a valid row. Every sum stays below 2^31, so doubles are exact.
    if (n > 4) acc.fill(HALF);
    for (let k = 0; k < n; k += 4) {
      const m = n - k;
      const r0 = first + k * rowLen;
      const r1 = m > 1 ? r0 + rowLen : r0;
      const r2 = m > 2 ? r0 + 2 * rowLen : r0;
      const r3 = m > 3 ? r0 + 3 * rowLen : r0;
      const w0 = kw[k0 + k]!;
      const w1 = m > 1 ? kw[k0 + k + 1]! : 0;
      const w2 = m > 2 ? kw[k0 + k + 2]! : 0;
      const w3 = m > 3 ? kw[k0 + k + 3]! : 0;
      if (n <= 4) {
        for (let i = 0; i < rowLen; i++) {
          dst[o + i] =
            (HALF + s[r0 + i]! * w0 + s[r1 + i]! * w1 + s[r2 + i]! * w2 + s[r3 + i]! * w3) >>
            PRECISION_BITS;
        }
      } else {
        for (let i = 0; i < rowLen; i++) {
          acc[i] = acc[i]! + s[r0 + i]! * w0 + s[r1 + i]! * w1 + s[r2 + i]! * w2 + s[r3 + i]! * w3;
        }
      }
    }
    if (n > 4) for (let i = 0; i < rowLen; i++) dst[o + i] = acc[i]! >> PRECISION_BITS;
  }
  return out;
}

function clamped(bytes: Uint8Array): Uint8ClampedArray {
  return new Uint8ClampedArray(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Copies the window (left, top, width, height) out of an image. */
export function crop(
  img: RgbImage,
  left: number,
  top: number,
  width: number,
  height: number,
): RgbImage {
  const out = rgbImage(width, height);
  const rowLen = width * 3;
  for (let y = 0; y < height; y++) {
    const from = ((top + y) * img.width + left) * 3;
    out.data.set(img.data.subarray(from, from + rowLen), y * rowLen);
  }
  return out;
}
