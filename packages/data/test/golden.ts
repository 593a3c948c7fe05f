// Access to /work/shared/golden/preprocess (torchvision 0.14 + Pillow 9.4 reference arrays).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

// shared/ sits next to the repository (locally and in CI); HAWQ_SHARED overrides it.
export const GOLDEN_DIR = join(
  process.env.HAWQ_SHARED ?? fileURLToPath(new URL('../../../../shared', import.meta.url)),
  'golden/preprocess',
);
export const hasGolden = existsSync(join(GOLDEN_DIR, 'manifest.json'));

export interface GoldenArray {
  file: string | null;
  shape: number[];
  sha256_uncompressed: string;
}

export interface GoldenImage {
  image: string;
  width: number;
  height: number;
  decoded: GoldenArray;
  resize256: GoldenArray;
  val224: GoldenArray;
  center_crop_224: { top: number; left: number };
  inception?: {
    resize342: GoldenArray;
    val299: GoldenArray;
    center_crop_299: { top: number; left: number };
  };
}

export function goldenImages(): GoldenImage[] {
  return (
    JSON.parse(readFileSync(join(GOLDEN_DIR, 'manifest.json'), 'utf8')) as { images: GoldenImage[] }
  ).images;
}

export function goldenPath(rel: string): string {
  return join(GOLDEN_DIR, rel);
}

export function loadArray(a: GoldenArray): Buffer | undefined {
  return a.file ? gunzipSync(readFileSync(goldenPath(a.file))) : undefined;
}

export function sha256(bytes: ArrayBufferView): string {
  return createHash('sha256')
    .update(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength))
    .digest('hex');
}

/** Largest absolute element difference between two same-length arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
