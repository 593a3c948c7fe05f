import { describeInception } from './describe-inception.js';
import { describeResNet } from './describe-resnet.js';
import { UnknownArchError } from './errors.js';
import { INCEPTION_INPUT_SIZE } from './inception-spec.js';
import type { LayerSpec } from './layer-spec.js';
import { RESNET_ARCHS, resnetSpec } from './resnet-spec.js';

export const KNOWN_ARCHS = [...RESNET_ARCHS, 'inceptionv3'] as const;
export type KnownArch = (typeof KNOWN_ARCHS)[number];

export interface DescribeArchOptions {
  /** Square input size; default 224 (299 for inceptionv3). */
  inputSize?: number;
  numClasses?: number;
}

/** Per conv/FC layer description of a named PyTorchCV architecture (see LayerSpec). */
export function describeArch(arch: string, opts: DescribeArchOptions = {}): LayerSpec[] {
  const numClasses = opts.numClasses ?? 1000;
  if (arch === 'inceptionv3') {
    return describeInception(opts.inputSize ?? INCEPTION_INPUT_SIZE, numClasses);
  }
  if (!(RESNET_ARCHS as readonly string[]).includes(arch)) {
    throw new UnknownArchError(arch, KNOWN_ARCHS);
  }
  return describeResNet(resnetSpec(arch, numClasses), opts.inputSize ?? 224);
}

/** All PyTorchCV parameters (weights, BN γ/β, FC bias) — what `model.parameters()` counts. */
export function totalParams(layers: readonly LayerSpec[]): number {
  return layers.reduce((n, l) => n + l.params + l.extraParams, 0);
}

export function totalMacs(layers: readonly LayerSpec[]): number {
  return layers.reduce((n, l) => n + l.macs, 0);
}
