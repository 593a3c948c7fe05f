// Fashion-MNIST from Debian's dataset-fashion-mnist package, and its conversion to an ImageNet-layout
// folder of PNGs so the same ImageFolder/DataLoader path (and HAWQ's --data flag) can train on it.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import sharp from 'sharp';
import { DataOptionError, DestinationExistsError, IdxFormatError } from './errors.js';
import { readIdxFile } from './idx.js';

/** Where Debian's `dataset-fashion-mnist` installs the four idx files. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** Fashion-MNIST's labels 0–9. */
export const FASHION_MNIST_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
] as const;

/**
 * Class folder names of the converted dataset: `<label>-<slug>`. The single-digit prefix makes
 * ImageFolder's sorted class order equal the original labels; the slug keeps them readable.
 */
export const FASHION_MNIST_FOLDERS = FASHION_MNIST_CLASSES.map(
  (name, i) => `${i}-${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
);

/** One split: `images` holds `count` grey 28×28 images, row-major, one byte per pixel. */
export interface FashionMnistSplit {
  readonly images: Uint8Array;
  readonly labels: Uint8Array;
  readonly count: number;
  readonly rows: number;
  readonly cols: number;
}

/** Reads `train` (60,000 images) or `test` (10,000) from the idx files in `dir` (gzip or raw). */
export async function readFashionMnist(
  split: 'train' | 'test',
  dir: string = FASHION_MNIST_DIR,
): Promise<FashionMnistSplit> {
  const prefix = split === 'train' ? 'train' : 't10k';
  const imagesPath = await findIdx(dir, `${prefix}-images-idx3-ubyte`);
  const labelsPath = await findIdx(dir, `${prefix}-labels-idx1-ubyte`);
  const images = await readIdxFile(imagesPath);
  const labels = await readIdxFile(labelsPath);
  if (images.shape.length !== 3 || !(images.data instanceof Uint8Array)) {
    throw new IdxFormatError(
      imagesPath,
      `expected ubyte [N, rows, cols], got [${images.shape.join(', ')}]`,
    );
  }
  if (labels.shape.length !== 1 || !(labels.data instanceof Uint8Array)) {
    throw new IdxFormatError(labelsPath, `expected ubyte [N], got [${labels.shape.join(', ')}]`);
  }
  const [count, rows, cols] = images.shape as [number, number, number];
  if (labels.shape[0] !== count) {
    throw new IdxFormatError(
      labelsPath,
      `${labels.shape[0]} labels for ${count} images in ${imagesPath}`,
    );
  }
  const bad = labels.data.findIndex((l) => l >= FASHION_MNIST_CLASSES.length);
  if (bad >= 0)
    throw new IdxFormatError(
      labelsPath,
      `label ${labels.data[bad]} at index ${bad} is not in 0..9`,
    );
  return { images: images.data, labels: labels.data, count, rows, cols };
}

// Debian ships *.gz; accept uncompressed files too (as the original distribution unpacks to).
async function findIdx(dir: string, name: string): Promise<string> {
  for (const candidate of [join(dir, `${name}.gz`), join(dir, name)]) {
    if (
      await stat(candidate).then(
        (s) => s.isFile(),
        () => false,
      )
    )
      return candidate;
  }
  throw new IdxFormatError(
    join(dir, `${name}.gz`),
    `not found (install Debian's dataset-fashion-mnist: apt-get install dataset-fashion-mnist)`,
  );
}

export interface ConvertFashionMnistOptions {
  /** Output root; gets `train/` (the 60,000 training images) and `val/` (the 10,000 test images). */
  readonly dest: string;
  /** Folder with the idx files. Default: Debian's. */
  readonly source?: string;
  /**
   * Keep only the first N images of each class in each split (for quick runs; per class so that no
   * class folder is empty, which ImageFolder refuses). Default: all.
   */
  readonly perClass?: number;
  /** Images encoded concurrently. Default 8. */
  readonly concurrency?: number;
  /** Called after each image with (done, total). */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface ConvertFashionMnistResult {
  readonly dest: string;
  readonly train: number;
  readonly val: number;
  /** True when `dest` already held this conversion and nothing was written. */
  readonly reused: boolean;
}

const MANIFEST = 'fashion-mnist.json';

/**
 * Writes Fashion-MNIST as ROOT/{train,val}/<label>-<name>/<index>.png (8-bit grey PNGs; the loader
 * turns grey into RGB as PIL does). Written to a temporary sibling folder and renamed into place,
 * so `dest` is either absent or complete. Re-running with the same options reuses `dest`.
 */
export async function convertFashionMnist(
  opts: ConvertFashionMnistOptions,
): Promise<ConvertFashionMnistResult> {
  const source = opts.source ?? FASHION_MNIST_DIR;
  const perClass = opts.perClass ?? Number.POSITIVE_INFINITY;
  if (!(perClass >= 1)) {
    throw new DataOptionError('perClass', `${opts.perClass} is not a positive number of images`);
  }
  const concurrency = opts.concurrency ?? 8;
  const train = await readFashionMnist('train', source);
  const test = await readFashionMnist('test', source);
  const picks = { train: pick(train.labels, perClass), val: pick(test.labels, perClass) };
  const counts = { train: picks.train.length, val: picks.val.length };
  const manifest = JSON.stringify(
    {
      format: 'hawq-ts fashion-mnist v1',
      classes: FASHION_MNIST_FOLDERS,
      perClass: opts.perClass ?? null,
      ...counts,
    },
    null,
    2,
  );

  const existing = await readFile(join(opts.dest, MANIFEST), 'utf8').catch(() => undefined);
  if (existing === manifest) return { dest: opts.dest, ...counts, reused: true };
  const destExists = await stat(opts.dest).then(
    () => true,
    () => false,
  );
  if (destExists) throw new DestinationExistsError(opts.dest);

  const tmp = join(
    dirname(opts.dest),
    `.${basename(opts.dest)}.tmp-${randomBytes(4).toString('hex')}`,
  );
  try {
    const total = counts.train + counts.val;
    let done = 0;
    const tick = () => opts.onProgress?.(++done, total);
    // One zero-padded width for both splits (5 digits), so names sort in index order.
    const digits = String(Math.max(train.count, test.count) - 1).length;
    await writeSplit(join(tmp, 'train'), train, picks.train, { digits, concurrency, tick });
    await writeSplit(join(tmp, 'val'), test, picks.val, { digits, concurrency, tick });
    await writeFile(join(tmp, MANIFEST), manifest);
    await rename(tmp, opts.dest);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
  return { dest: opts.dest, ...counts, reused: false };
}

// Indices of the first `perClass` images of each class, in file order.
function pick(labels: Uint8Array, perClass: number): number[] {
  const seen = new Array<number>(FASHION_MNIST_CLASSES.length).fill(0);
  const out: number[] = [];
  for (const [i, label] of labels.entries()) if (seen[label]!++ < perClass) out.push(i);
  return out;
}

async function writeSplit(
  dir: string,
  split: FashionMnistSplit,
  indices: number[],
  { digits, concurrency, tick }: { digits: number; concurrency: number; tick: () => void },
): Promise<void> {
  for (const name of FASHION_MNIST_FOLDERS) await mkdir(join(dir, name), { recursive: true });
  const px = split.rows * split.cols;
  let next = 0;
  const encodeOne = async (i: number): Promise<void> => {
    const pixels = split.images.subarray(i * px, (i + 1) * px);
    const file = join(
      dir,
      FASHION_MNIST_FOLDERS[split.labels[i]!]!,
      `${String(i).padStart(digits, '0')}.png`,
    );
    await sharp(pixels, { raw: { width: split.cols, height: split.rows, channels: 1 } })
      .png({ compressionLevel: 6 })
      .toFile(file);
    tick();
  };
  const lane = async (): Promise<void> => {
    while (next < indices.length) await encodeOne(indices[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, lane));
}
