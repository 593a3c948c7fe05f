// The composed transforms HAWQ's quant_train.py uses, as plain data so they can be sent to workers.
import type { RgbImage } from './image.js';
import type { Rng } from './rng.js';
import {
  hflipInPlace,
  IMAGENET_NORMALIZATION,
  type Normalization,
  normalizationTable,
  RRC_DEFAULTS,
  randomResizedCrop,
  resizeCenterCrop,
  toNormalizedChw,
} from './transforms.js';

/** Resize(resize) → CenterCrop(crop) → ToTensor → Normalize: the validation transform. */
export interface EvalTransform {
  readonly kind: 'eval';
  readonly resize: number;
  readonly crop: number;
  readonly normalization?: Normalization;
}

/** RandomResizedCrop(crop) → RandomHorizontalFlip(p) → ToTensor → Normalize: the training transform. */
export interface TrainTransform {
  readonly kind: 'train';
  readonly crop: number;
  readonly scale?: readonly [number, number];
  readonly ratio?: readonly [number, number];
  /** Probability of a horizontal flip; 0.5 like RandomHorizontalFlip(). */
  readonly flip?: number;
  readonly normalization?: Normalization;
}

export type TransformSpec = EvalTransform | TrainTransform;

export interface EvalTransformOptions {
  /** CenterCrop size (the model's input); default 224, 299 for inceptionv3. */
  crop?: number;
  /**
   * Resize (short side) before the crop, torchvision's `--val-resize-size`; default scales HAWQ's
   * 256/224 (342/299) to the crop. Equal to the crop means no crop: the whole image is kept, which
   * small centred datasets such as Fashion-MNIST need (a 256/224 crop cuts off their edges).
   */
  resize?: number;
}

/**
 * HAWQ's validation transform for an architecture: Resize(256) + CenterCrop(224), 342/299 for
 * inceptionv3; at other crop sizes the same ratio unless `resize` is given.
 */
export function evalTransformFor(arch: string, o: EvalTransformOptions = {}): EvalTransform {
  const inception = arch.startsWith('inception');
  const crop = o.crop ?? (inception ? 299 : 224);
  const resize = o.resize ?? Math.round((crop * (inception ? 342 : 256)) / (inception ? 299 : 224));
  if (!(Number.isInteger(resize) && resize >= crop)) {
    throw new RangeError(`validation resize ${resize} must be an integer ≥ the crop size ${crop}`);
  }
  return { kind: 'eval', resize, crop };
}

/** HAWQ's training transform for an architecture: RandomResizedCrop(224), 299 for inceptionv3. */
export function trainTransformFor(arch: string): TrainTransform {
  return { kind: 'train', crop: arch.startsWith('inception') ? 299 : 224 };
}

/** A transform ready to run: the spec plus its normalisation table. */
export interface CompiledTransform {
  readonly spec: TransformSpec;
  readonly lut: Float32Array;
  /** Floats per output image (3 × crop × crop). */
  readonly floats: number;
}

export function compileTransform(spec: TransformSpec): CompiledTransform {
  return {
    spec,
    lut: normalizationTable(spec.normalization ?? IMAGENET_NORMALIZATION),
    floats: 3 * spec.crop * spec.crop,
  };
}

/** Runs a transform up to the uint8 crop (before ToTensor); `rng` is used only by training transforms. */
export function transformImage(img: RgbImage, spec: TransformSpec, rng?: Rng): RgbImage {
  if (spec.kind === 'eval') return resizeCenterCrop(img, spec.resize, spec.crop);
  if (!rng) throw new TypeError('a training transform needs a random generator');
  const out = randomResizedCrop(img, spec.crop, rng, {
    scale: spec.scale ?? RRC_DEFAULTS.scale,
    ratio: spec.ratio ?? RRC_DEFAULTS.ratio,
  });
  // RandomHorizontalFlip draws torch.rand(1) < p after the crop's draws.
  return rng.float32() < (spec.flip ?? 0.5) ? hflipInPlace(out) : out;
}

/** Runs the whole transform and writes the CHW float32 tensor into `out` at `offset`. */
export function applyTransform(
  img: RgbImage,
  t: CompiledTransform,
  rng?: Rng,
  out?: Float32Array,
  offset = 0,
): Float32Array {
  return toNormalizedChw(transformImage(img, t.spec, rng), t.lut, out, offset);
}
