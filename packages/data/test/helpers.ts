// Small synthetic image folders for tests.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll } from 'vitest';

const created: string[] = [];
// Registered while the importing test file is collected, so it runs after that file's tests.
afterAll(async () => {
  await Promise.all(created.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

export async function tempDir(prefix = 'hawq-data-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** A deterministic RGB test pattern (gradients, a stripe and a per-image tint). */
export function pattern(width: number, height: number, tint: number): Buffer {
  const px = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      px[o] = (x * 255) / width;
      px[o + 1] = (y * 255) / height;
      px[o + 2] = (x + y) % 7 < 3 ? tint : 255 - tint;
    }
  }
  return px;
}

export async function writeJpeg(
  path: string,
  width: number,
  height: number,
  tint: number,
): Promise<void> {
  const buf = await sharp(pattern(width, height, tint), { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
  await writeFile(path, buf);
}

/** ROOT/{split}/{class}/{n}.jpg with `perClass` images of assorted sizes per class. */
export async function makeImageNet(
  root: string,
  classes: string[],
  perClass: number,
  splits: string[] = ['train', 'val'],
): Promise<void> {
  let k = 0;
  for (const split of splits) {
    for (const c of classes) {
      const dir = join(root, split, c);
      await mkdir(dir, { recursive: true });
      for (let i = 0; i < perClass; i++, k++) {
        await writeJpeg(
          join(dir, `${i}.jpg`),
          60 + ((k * 13) % 50),
          40 + ((k * 7) % 45),
          (k * 37) % 256,
        );
      }
    }
  }
}
