// torchvision 0.14's PIL-path transforms, with their exact integer arithmetic.
import { type RgbImage, rgbImage } from './image.js';
import { pyRound } from './pymath.js';
import { crop, resizeBilinear } from './resample.js';
import type { Rng } from './rng.js';

/** A crop window in pixels. */
export interface CropBox {
  readonly top: number;
  readonly left: number;
  readonly height: number;
  readonly width: number;
}

/**
 * Output size of `Resize(size)` with an int size: the short side becomes `size`, the long side
 * `int(size * long / short)` (Python float division, then truncation, not rounding).
 */
export function resizedSize(
  width: number,
  height: number,
  size: number,
): { width: number; height: number } {
  const portrait = width <= height;
  const [short, long] = portrait ? [width, height] : [height, width];
  const newLong = Math.trunc((size * long) / short);
  return portrait ? { width: size, height: newLong } : { width: newLong, height: size };
}

/** `transforms.Resize(size)`: short side to `size` with PIL bilinear; unchanged if already that size. */
export function resizeShortSide(img: RgbImage, size: number): RgbImage {
  const s = resizedSize(img.width, img.height, size);
  if (s.width === img.width && s.height === img.height) return img;
  return resizeBilinear(img, s.width, s.height);
}

/** `CenterCrop`'s offsets: `int(round((H - h) / 2.0))`, with Python's round-half-to-even. */
export function centerCropBox(
  width: number,
  height: number,
  cropW: number,
  cropH = cropW,
): CropBox {
  return {
    top: pyRound((height - cropH) / 2),
    left: pyRound((width - cropW) / 2),
    height: cropH,
    width: cropW,
  };
}

/** `transforms.CenterCrop(size)`, including torchvision's zero padding when the image is smaller. */
export function centerCrop(img: RgbImage, cropW: number, cropH = cropW): RgbImage {
  const padded = padForCrop(img, cropW, cropH);
  const box = centerCropBox(padded.width, padded.height, cropW, cropH);
  return crop(padded, box.left, box.top, box.width, box.height);
}

// torchvision pads (cw - w) // 2 on the left/top and (cw - w + 1) // 2 on the right/bottom with 0.
function padForCrop(img: RgbImage, cropW: number, cropH: number): RgbImage {
  if (cropW <= img.width && cropH <= img.height) return img;
  const padL = cropW > img.width ? Math.floor((cropW - img.width) / 2) : 0;
  const padT = cropH > img.height ? Math.floor((cropH - img.height) / 2) : 0;
  const padR = cropW > img.width ? Math.floor((cropW - img.width + 1) / 2) : 0;
  const padB = cropH > img.height ? Math.floor((cropH - img.height + 1) / 2) : 0;
  const out = rgbImage(img.width + padL + padR, img.height + padT + padB);
  const rowLen = img.width * 3;
  for (let y = 0; y < img.height; y++) {
    const from = y * rowLen;
    out.data.set(img.data.subarray(from, from + rowLen), ((y + padT) * out.width + padL) * 3);
  }
  return out;
}

/** `Resize(resize)` then `CenterCrop(crop)`, computing only the pixels the crop keeps (same bytes). */
export function resizeCenterCrop(img: RgbImage, resize: number, cropSize: number): RgbImage {
  const s = resizedSize(img.width, img.height, resize);
  if (cropSize > s.width || cropSize > s.height)
    return centerCrop(resizeShortSide(img, resize), cropSize);
  const box = centerCropBox(s.width, s.height, cropSize);
  if (s.width === img.width && s.height === img.height)
    return crop(img, box.left, box.top, cropSize, cropSize);
  return resizeBilinear(img, s.width, s.height, {
    x0: box.left,
    y0: box.top,
    x1: box.left + cropSize,
    y1: box.top + cropSize,
  });
}

/** `RandomResizedCrop`'s scale and ratio ranges. */
export interface RandomResizedCropOptions {
  readonly scale: readonly [number, number];
  readonly ratio: readonly [number, number];
}

export const RRC_DEFAULTS: RandomResizedCropOptions = { scale: [0.08, 1], ratio: [3 / 4, 4 / 3] };

/**
 * `RandomResizedCrop.get_params`: up to ten tries of a random area fraction (uniform in `scale`) and a
 * log-uniform aspect ratio, then the centre crop fallback clamped to the ratio range. The draws are
 * float32 as in torch; the random stream is our MT19937, not torch's.
 */
export function randomResizedCropBox(
  width: number,
  height: number,
  rng: Rng,
  opts: RandomResizedCropOptions = RRC_DEFAULTS,
): CropBox {
  const area = width * height;
  const f = Math.fround;
  const logLo = f(Math.log(f(opts.ratio[0])));
  const logHi = f(Math.log(f(opts.ratio[1])));
  for (let attempt = 0; attempt < 10; attempt++) {
    const targetArea = area * rng.uniform(opts.scale[0], opts.scale[1]);
    const aspect = f(Math.exp(rng.uniform(logLo, logHi)));
    const w = pyRound(Math.sqrt(targetArea * aspect));
    const h = pyRound(Math.sqrt(targetArea / aspect));
    if (w > 0 && w <= width && h > 0 && h <= height) {
      const top = rng.int(0, height - h + 1);
      const left = rng.int(0, width - w + 1);
      return { top, left, height: h, width: w };
    }
  }
  const inRatio = width / height;
  const minRatio = Math.min(opts.ratio[0], opts.ratio[1]);
  const maxRatio = Math.max(opts.ratio[0], opts.ratio[1]);
  let w = width;
  let h = height;
  if (inRatio < minRatio) h = pyRound(w / minRatio);
  else if (inRatio > maxRatio) w = pyRound(h * maxRatio);
  return {
    top: Math.floor((height - h) / 2),
    left: Math.floor((width - w) / 2),
    height: h,
    width: w,
  };
}

/** `RandomResizedCrop(size)`: crop the random box, then PIL-bilinear resize it to size×size. */
export function randomResizedCrop(
  img: RgbImage,
  size: number,
  rng: Rng,
  opts: RandomResizedCropOptions = RRC_DEFAULTS,
): RgbImage {
  const b = randomResizedCropBox(img.width, img.height, rng, opts);
  return resizeBilinear(crop(img, b.left, b.top, b.width, b.height), size, size);
}

/** Mirrors an image left–right in place and returns it. */
export function hflipInPlace(img: RgbImage): RgbImage {
  const d = img.data;
  for (let y = 0; y < img.height; y++) {
    let a = y * img.width * 3;
    let b = a + (img.width - 1) * 3;
    for (; a < b; a += 3, b -= 3) {
      for (let c = 0; c < 3; c++) {
        const t = d[a + c]!;
        d[a + c] = d[b + c]!;
        d[b + c] = t;
      }
    }
  }
  return img;
}

/** Per-channel mean and std of `Normalize`. */
export interface Normalization {
  readonly mean: readonly [number, number, number];
  readonly std: readonly [number, number, number];
}

export const IMAGENET_NORMALIZATION: Normalization = {
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
};

/**
 * `ToTensor()` + `Normalize()` as a 3×256 lookup table: `((u / 255f) - mean_f32) / std_f32`, every
 * step a float32 operation as torch does it (true divisions, not reciprocal multiplies).
 */
export function normalizationTable(n: Normalization = IMAGENET_NORMALIZATION): Float32Array {
  const f = Math.fround;
  const lut = new Float32Array(3 * 256);
  for (let c = 0; c < 3; c++) {
    const mean = f(n.mean[c]!);
    const std = f(n.std[c]!);
    for (let u = 0; u < 256; u++) lut[c * 256 + u] = f(f(f(u / 255) - mean) / std);
  }
  return lut;
}

/** Writes an HWC uint8 image as normalised CHW float32 into `out` at `offset`. */
export function toNormalizedChw(
  img: RgbImage,
  lut: Float32Array,
  out?: Float32Array,
  offset = 0,
): Float32Array {
  const plane = img.width * img.height;
  const dst = out ?? new Float32Array(3 * plane);
  const src = img.data;
  for (let i = 0; i < plane; i++) {
    dst[offset + i] = lut[src[i * 3]!]!;
    dst[offset + plane + i] = lut[256 + src[i * 3 + 1]!]!;
    dst[offset + 2 * plane + i] = lut[512 + src[i * 3 + 2]!]!;
  }
  return dst;
}
