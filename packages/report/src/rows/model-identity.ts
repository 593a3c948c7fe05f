import { basename } from 'node:path';
import { getBitConfig, normalizeScheme, resnetSpec } from '@hawq-ts/core/config';
import { ReportError } from '../errors.js';
import { isFloatScheme } from '../results/match.js';
import type { EvalResult } from '../results/schema.js';
import type { ResNetChannels } from './computed.js';

// What a latency measurement must have been taken on to stand for a results file's model: the
// structure (architecture, widths, input size, classes) and, module by module, the bits. The
// deploy-fashion benchmark writes these for what it timed, and the table matches rows by them,
// never by file name or scheme label.

/** Fashion-MNIST has 10 classes; the trainer's ResNet18-structured model reads 28×28 images. */
export const FMNIST_CLASSES = 10;
export const FMNIST_INPUT = 28;

export interface ModelIdentity {
  arch: string;
  /** The results file's widths, or the architecture's standard ones. */
  channels: ResNetChannels;
  inputSize: number;
  numClasses: number;
  /** HAWQ module name → bits, resolved from the built-in scheme or the file's bitConfig; null for FP. */
  bits: Readonly<Record<string, number>> | null;
}

const FILE_SCHEME = /^file:/i;

/** The scheme as a row key: null for FP, a built-in name, or `file:NAME` for explicit configs. */
export function schemeKey(r: EvalResult): string | null {
  if (isFloatScheme(r.scheme)) return null;
  const s = r.scheme!;
  if (FILE_SCHEME.test(s)) return `file:${basename(s.replace(FILE_SCHEME, ''))}`;
  return r.bitConfig ? s : normalizeScheme(s);
}

/**
 * The model a Fashion-MNIST results file describes (defaults 28×28, 10 classes). Throws a
 * ReportError when its bits cannot be known: a `file:` scheme without a recorded bitConfig, or a
 * scheme name core's bit configs do not define for the architecture.
 */
export function fashionModelIdentity(r: EvalResult): ModelIdentity {
  const arch = (r.arch ?? r.model).toLowerCase();
  const numClasses = r.numClasses ?? FMNIST_CLASSES;
  const spec = resnetSpec(arch, numClasses);
  const channels = r.channels
    ? { init: r.channels.init, stages: [...r.channels.stages] }
    : { init: spec.initChannels, stages: [...spec.widths] };
  const scheme = schemeKey(r);
  let bits: Record<string, number> | null = null;
  if (scheme !== null) {
    if (r.bitConfig) bits = { ...r.bitConfig };
    else if (FILE_SCHEME.test(scheme)) {
      throw new ReportError(
        `the results file names scheme ${r.scheme} but records no bitConfig (HAWQ module name → bits)`,
      );
    } else bits = Object.fromEntries(getBitConfig(arch, scheme).entries);
  }
  return { arch, channels, inputSize: r.inputSize ?? FMNIST_INPUT, numClasses, bits };
}

const sameList = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((v, i) => v === b[i]);

/** Same architecture, widths, input size and class count (what a float graph's latency depends on). */
export function sameStructure(a: ModelIdentity, b: ModelIdentity): boolean {
  return (
    a.arch === b.arch &&
    a.channels.init === b.channels.init &&
    sameList(a.channels.stages, b.channels.stages) &&
    a.inputSize === b.inputSize &&
    a.numClasses === b.numClasses
  );
}

/** Same structure and the same bits for exactly the same modules (both FP counts as the same). */
export function sameModel(a: ModelIdentity, b: ModelIdentity): boolean {
  if (!sameStructure(a, b)) return false;
  if (a.bits === null || b.bits === null) return a.bits === b.bits;
  const ka = Object.keys(a.bits);
  return (
    ka.length === Object.keys(b.bits).length &&
    ka.every((k) => Object.hasOwn(b.bits!, k) && a.bits![k] === b.bits![k])
  );
}
