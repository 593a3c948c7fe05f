// quant_train.py's data: ImageFolder train/ and val/, RandomResizedCrop + flip for training,
// Resize + CenterCrop for validation, --data-percentage subsets; reproducible from --seed.
import {
  assertSameClasses,
  DataLoader,
  dataPercentageSubset,
  type EvalTransform,
  evalTransformFor,
  type ImageFolderListing,
  scanImageNetSplit,
  type TrainTransform,
} from '@hawq-ts/data';
import type { TrainSource } from '@hawq-ts/trainer';
import { UsageError } from './errors.js';

export interface Datasets {
  train: ImageFolderListing | undefined;
  val: ImageFolderListing;
  classes: readonly string[];
}

export async function scanData(root: string, withTrain: boolean): Promise<Datasets> {
  const val = await scanImageNetSplit(root, 'val');
  if (!withTrain) return { train: undefined, val, classes: val.classes };
  const train = await scanImageNetSplit(root, 'train');
  assertSameClasses(train, val);
  return { train, val, classes: train.classes };
}

/**
 * Crop size: 224 (299 for inceptionv3) unless --input-size. ResNets pool their whole final map
 * (HAWQ's 7x7 at 193..224), which HAWQ's integer average handles up to 9x9, i.e. 288 pixels.
 */
export function inputSizeFor(arch: string, requested: number | undefined): number {
  const size = requested ?? (arch.startsWith('inception') ? 299 : 224);
  if (!arch.startsWith('inception') && !(Number.isInteger(size) && size >= 8 && size <= 288)) {
    throw new UsageError(
      `--input-size ${size}: ResNets take 8..288 (224 = ImageNet, 28 = Fashion-MNIST)`,
    );
  }
  return size;
}

/**
 * Resize + CenterCrop for validation: HAWQ's 256/224 (Inception 342/299) scaled to the crop, or
 * Resize(--val-resize-size) when given (equal to --input-size: no crop, the whole image).
 */
export function evalTransform(arch: string, size: number, valResize?: number): EvalTransform {
  if (valResize !== undefined && !(Number.isInteger(valResize) && valResize >= size)) {
    throw new UsageError(
      `--val-resize-size ${valResize}: must be an integer ≥ the crop size ${size} (${size} = no crop)`,
    );
  }
  return evalTransformFor(arch, {
    crop: size,
    ...(valResize !== undefined ? { resize: valResize } : {}),
  });
}

/** RandomResizedCrop(size, scale=(minScale, 1)) + flip; torchvision's and HAWQ's minScale is 0.08. */
export function trainTransform(size: number, minScale = 0.08): TrainTransform {
  return { kind: 'train', crop: size, scale: [minScale, 1] };
}

export function valLoader(
  val: ImageFolderListing,
  arch: string,
  size: number,
  batchSize: number,
  workers: number,
  valResize?: number,
): DataLoader {
  return new DataLoader(val.samples, {
    batchSize,
    transform: evalTransform(arch, size, valResize),
    workers,
  });
}

export function trainSource(
  train: ImageFolderListing,
  o: {
    size: number;
    batchSize: number;
    workers: number;
    percentage: number;
    seed: number;
    minScale?: number;
  },
): { source: TrainSource; loader: DataLoader } {
  const samples =
    o.percentage === 1 ? train.samples : dataPercentageSubset(train.samples, o.percentage, o.seed);
  if (samples.length === 0) {
    throw new UsageError(
      `--data-percentage ${o.percentage}: selects no image of the ${train.samples.length} in ${train.root}`,
    );
  }
  const loader = new DataLoader(samples, {
    batchSize: o.batchSize,
    transform: trainTransform(o.size, o.minScale),
    shuffle: true,
    seed: o.seed,
    workers: o.workers,
  });
  return {
    loader,
    source: {
      seed: o.seed,
      batchesPerEpoch: loader.length,
      size: loader.size,
      epoch: (e, from) => loader.epoch(e, from),
    },
  };
}
