import { describe, expect, it } from 'vitest';
import {
  centerCrop,
  hflipInPlace,
  normalizationTable,
  Rng,
  randomResizedCropBox,
  resizeBilinear,
  resizeCenterCrop,
  resizedSize,
  resizeShortSide,
  rgbImage,
  toNormalizedChw,
  transformImage,
} from '../src/index.js';

function ramp(w: number, h: number): ReturnType<typeof rgbImage> {
  const img = rgbImage(w, h);
  for (let i = 0; i < img.data.length; i++) img.data[i] = (i * 31) % 256;
  return img;
}

describe('Resize / CenterCrop arithmetic', () => {
  it('truncates the long side like torchvision', () => {
    expect(resizedSize(1024, 683, 256)).toEqual({ width: 383, height: 256 });
    expect(resizedSize(97, 131, 256)).toEqual({ width: 256, height: 345 });
    expect(resizedSize(1024, 683, 342)).toEqual({ width: 512, height: 342 });
  });

  it('computes only the cropped window, with identical bytes', () => {
    for (const [w, h] of [
      [500, 375],
      [97, 131],
      [300, 300],
    ] as const) {
      const img = ramp(w, h);
      const a = resizeCenterCrop(img, 256, 224).data;
      expect(Buffer.compare(a, centerCrop(resizeShortSide(img, 256), 224).data)).toBe(0);
    }
  });

  it('pads with zeros when the crop is larger, as torchvision does', () => {
    const img = rgbImage(3, 2, new Uint8Array(18).fill(9));
    const out = centerCrop(img, 4);
    // left pad (4-3)//2 = 0, top pad (4-2)//2 = 1: rows 1-2, columns 0-2 hold the image.
    const rows = Array.from({ length: 4 }, (_, y) =>
      Array.from({ length: 4 }, (_, x) => out.data[(y * 4 + x) * 3]),
    );
    expect(rows).toEqual([
      [0, 0, 0, 0],
      [9, 9, 9, 0],
      [9, 9, 9, 0],
      [0, 0, 0, 0],
    ]);
  });
});

describe('PIL bilinear resampling', () => {
  it('matches the half-pixel-centred example of the golden README when enlarging', () => {
    const row = rgbImage(4, 1, new Uint8Array([0, 200, 0, 200].flatMap((v) => [v, v, v])));
    const out = resizeBilinear(row, 8, 1);
    expect(Array.from({ length: 8 }, (_, i) => out.data[i * 3])).toEqual([
      0, 50, 150, 150, 50, 50, 150, 200,
    ]);
  });

  it('keeps a constant image constant at any scale', () => {
    const img = rgbImage(37, 23, new Uint8Array(37 * 23 * 3).fill(201));
    for (const [w, h] of [
      [5, 3],
      [100, 61],
      [37, 7],
    ] as const) {
      expect(new Set(resizeBilinear(img, w, h).data)).toEqual(new Set([201]));
    }
  });
});

describe('RandomResizedCrop', () => {
  it('draws boxes inside the image with area and ratio in range', () => {
    const rng = new Rng(11);
    for (let i = 0; i < 500; i++) {
      const b = randomResizedCropBox(500, 375, rng);
      expect(b.top >= 0 && b.left >= 0 && b.top + b.height <= 375 && b.left + b.width <= 500).toBe(
        true,
      );
      const area = (b.width * b.height) / (500 * 375);
      expect(area).toBeGreaterThan(0.07);
      expect(area).toBeLessThanOrEqual(1);
      // Rounding w and h to integers moves the ratio a little outside [3/4, 4/3] for small boxes.
      expect(b.width / b.height).toBeGreaterThan(0.7);
      expect(b.width / b.height).toBeLessThan(1.43);
    }
  });

  it('falls back to the central crop clamped to the ratio when ten tries fail', () => {
    // A 10×1000 strip: every try needs w ≥ sqrt(0.08·10000·0.75) ≈ 24 > 10.
    expect(randomResizedCropBox(10, 1000, new Rng(1))).toEqual({
      top: 493,
      left: 0,
      height: 13,
      width: 10,
    });
    expect(randomResizedCropBox(1000, 10, new Rng(1))).toEqual({
      top: 0,
      left: 493,
      height: 10,
      width: 13,
    });
  });

  it('flips about half of the images and is reproducible per seed', () => {
    const img = ramp(64, 48);
    const spec = { kind: 'train', crop: 16, scale: [1, 1], ratio: [4 / 3, 4 / 3] } as const;
    const outs = Array.from({ length: 200 }, (_, s) => transformImage(img, spec, new Rng(s)).data);
    const unflipped = outs[0]!;
    const flipped = hflipInPlace(rgbImage(16, 16, unflipped.slice())).data;
    const nFlipped = outs.filter((o) => Buffer.compare(o, flipped) === 0).length;
    expect(
      outs.every((o) => Buffer.compare(o, flipped) === 0 || Buffer.compare(o, unflipped) === 0),
    ).toBe(true);
    expect(nFlipped).toBeGreaterThan(70);
    expect(nFlipped).toBeLessThan(130);
    expect(transformImage(img, spec, new Rng(5)).data).toEqual(outs[5]);
  });
});

describe('ToTensor + Normalize', () => {
  it('uses float32 true divisions, CHW order', () => {
    const lut = normalizationTable();
    const f = Math.fround;
    expect(lut[0]).toBe(f(f(0 - f(0.485)) / f(0.229)));
    expect(lut[512 + 255]).toBe(f(f(1 - f(0.406)) / f(0.225)));
    const img = rgbImage(2, 1, new Uint8Array([1, 2, 3, 4, 5, 6]));
    const t = toNormalizedChw(img, lut);
    expect([...t]).toEqual([
      lut[1],
      lut[4],
      lut[256 + 2],
      lut[256 + 5],
      lut[512 + 3],
      lut[512 + 6],
    ]);
  });
});
