import { normalizeScheme } from '@hawq-ts/core/config';
import { findModel, ZOO_MODELS, type ZooModel } from '@hawq-ts/zoo';
import type { EvalResult, ResultsFile } from './schema.js';

export type DatasetKind = 'imagenet' | 'fashion-mnist' | 'other';

/**
 * The dataset a result is about. The evaluator writes the dataset root it read (a path such as
 * `/data/imagenet/val`), so this looks for the name anywhere in it.
 */
export function datasetKind(dataset: string): DatasetKind {
  const d = dataset.toLowerCase().replace(/[^a-z]/g, '');
  if (d.includes('fashion')) return 'fashion-mnist';
  if (d.includes('imagenet') || d.includes('ilsvrc')) return 'imagenet';
  return 'other';
}

/**
 * The file's results as Fashion-MNIST results whatever their `dataset` says: the evaluator records
 * the root folder it read, and an ImageNet-layout folder converted from Fashion-MNIST need not
 * be named after it. Used for `--fashion-mnist FILE` and the `fashion-mnist/` results subfolder.
 */
export function asFashionMnist(file: ResultsFile): ResultsFile {
  const results = file.results.map((r) =>
    datasetKind(r.dataset) === 'fashion-mnist'
      ? r
      : { ...r, dataset: `fashion-mnist (${r.dataset})` },
  );
  return { ...file, results };
}

/**
 * ImageNet results: the dataset says so, or it names no known dataset (e.g. a root like
 * `/data/val`), the model is a zoo model — every zoo model is a 1000-class ImageNet model — and
 * nothing says it was scored over another number of classes.
 */
export function isImagenetResult(result: EvalResult): boolean {
  const kind = datasetKind(result.dataset);
  if (kind !== 'other') return kind === 'imagenet';
  return classCount(result) === IMAGENET_CLASSES && zooModelOf(result) !== undefined;
}

const IMAGENET_CLASSES = 1000;

/** Classes the result was scored over: `numClasses`, else the evaluator's `perClass` list, else 1000. */
function classCount(result: EvalResult): number {
  if (typeof result.numClasses === 'number') return result.numClasses;
  const perClass = (result as { perClass?: unknown }).perClass;
  return Array.isArray(perClass) && perClass.length > 0 ? perClass.length : IMAGENET_CLASSES;
}

const FP_SCHEMES = new Set(['fp32', 'fp', 'float', 'float32', 'baseline', 'floatingpoints']);

/** True for the spellings of "no quantization" (`fp32`, `baseline`, null...). */
export function isFloatScheme(scheme: string | null | undefined): boolean {
  return scheme == null || FP_SCHEMES.has(scheme.toLowerCase().replace(/[^a-z0-9]/g, ''));
}

/**
 * The zoo model an ImageNet result is about: `model` may be a zoo name in any accepted spelling,
 * or an architecture with `scheme`. Undefined when it matches no zoo row.
 */
export function zooModelOf(result: EvalResult): ZooModel | undefined {
  const byName = findModel(result.model);
  if (byName) return byName;
  const arch = result.model.toLowerCase();
  if (isFloatScheme(result.scheme)) {
    return ZOO_MODELS.find((m) => m.arch === arch && m.bitConfig === null);
  }
  const scheme = normalizeScheme(result.scheme!);
  return ZOO_MODELS.find((m) => m.arch === arch && m.bitConfig === scheme);
}

/** Identity of an evaluation for merging: the same key twice must mean the same numbers. */
export function evaluationKey(result: EvalResult): string {
  const kind = isImagenetResult(result) ? 'imagenet' : datasetKind(result.dataset);
  const dataset = kind === 'other' ? result.dataset.toLowerCase() : kind;
  const zoo = kind === 'imagenet' ? zooModelOf(result) : undefined;
  if (zoo) return `${dataset}:${zoo.name}`;
  const scheme = isFloatScheme(result.scheme) ? 'fp32' : normalizeScheme(result.scheme!);
  // Off ImageNet the same arch and scheme may be different models (widths) or different rows of
  // one table (labels: e.g. a Hessian-ILP and a random config of the same BOPS).
  const c = result.channels;
  const widths = c ? `@${c.init}:${c.stages.join('/')}` : '';
  const label = result.label ? `[${result.label}]` : '';
  return `${dataset}:${result.model.toLowerCase()}${widths}/${scheme}${label}`;
}
