// The data batch the Hessian is computed on: a seeded random choice of images from an
// ImageNet-layout folder or from Fashion-MNIST's idx files, with HAWQ's validation transform.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  applyTransform,
  compileTransform,
  DataLoader,
  type EvalTransform,
  evalTransformFor,
  Rng,
  readFashionMnist,
  rgbImage,
  scanImageFolder,
  scanImageNetSplit,
} from '@hawq-ts/data';
import type { DataBatch } from '@hawq-ts/hessian';

export type SplitName = 'train' | 'val';

/**
 * Resize(round(size·256/224)) + CenterCrop(size) + ImageNet normalisation, as quant-train; or
 * Resize(valResize) when given (= size: the whole image, as quant-train's --val-resize-size).
 */
export function evalTransform(inputSize: number, valResize?: number): EvalTransform {
  return evalTransformFor('resnet18', {
    crop: inputSize,
    ...(valResize !== undefined ? { resize: valResize } : {}),
  });
}

export interface LoadedBatch {
  batch: DataBatch;
  classes: number;
  source: string;
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/**
 * `batchSize` images of ROOT/<split>/ (or of ROOT itself when it holds the class folders),
 * drawn by a seeded shuffle, decoded on the calling thread.
 */
export async function imageFolderBatch(
  root: string,
  split: SplitName,
  batchSize: number,
  inputSize: number,
  seed: number,
  valResize?: number,
): Promise<LoadedBatch> {
  const listing = (await isDirectory(join(root, split)))
    ? await scanImageNetSplit(root, split)
    : await scanImageFolder(root);
  const loader = new DataLoader(listing.samples, {
    batchSize: Math.min(batchSize, listing.samples.length),
    transform: evalTransform(inputSize, valResize),
    shuffle: true,
    workers: 0,
    seed,
  });
  try {
    for await (const b of loader) {
      return {
        batch: { images: b.images, shape: b.shape, labels: b.labels },
        classes: listing.classes.length,
        source: listing.root,
      };
    }
  } finally {
    await loader.close();
  }
  throw new Error(`${listing.root}: no images`); // unreachable: scanImageFolder refuses empty folders
}

/** `batchSize` Fashion-MNIST images (test split for val), grey → RGB as PIL converts them. */
export async function fashionMnistBatch(
  dir: string,
  split: SplitName,
  batchSize: number,
  inputSize: number,
  seed: number,
  valResize?: number,
): Promise<LoadedBatch> {
  const data = await readFashionMnist(split === 'train' ? 'train' : 'test', dir);
  const order = new Rng(seed).permutation(data.count);
  const n = Math.min(batchSize, data.count);
  const transform = compileTransform(evalTransform(inputSize, valResize));
  const images = new Float32Array(n * transform.floats);
  const labels = new Int32Array(n);
  const px = data.rows * data.cols;
  for (let i = 0; i < n; i++) {
    const index = order[i]!;
    const grey = data.images.subarray(index * px, (index + 1) * px);
    const rgb = new Uint8Array(px * 3);
    for (let p = 0; p < px; p++) rgb.fill(grey[p]!, 3 * p, 3 * p + 3);
    applyTransform(
      rgbImage(data.cols, data.rows, rgb),
      transform,
      undefined,
      images,
      i * transform.floats,
    );
    labels[i] = data.labels[index]!;
  }
  return {
    batch: { images, shape: [n, 3, inputSize, inputSize], labels },
    classes: 10,
    source: dir,
  };
}
