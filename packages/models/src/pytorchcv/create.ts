import type { Tensor } from '@hawq-ts/checkpoint';
import { RESNET_ARCHS, type ResNetSpec, resnetSpec } from '@hawq-ts/core';
import { StateDictError } from './errors.js';
import type { FloatModel } from './float-model.js';
import { PytorchcvInceptionV3 } from './inception.js';
import { PytorchcvResNet } from './resnet.js';

export const PYTORCHCV_ARCHS = [...RESNET_ARCHS, 'inceptionv3'] as const;
export type PytorchcvArch = (typeof PYTORCHCV_ARCHS)[number];

/** A PyTorchCV model with freshly initialised weights (PyTorchCV's init schemes). */
export function createPytorchcvModel(
  arch: PytorchcvArch,
  opts: { numClasses?: number } = {},
): FloatModel {
  if (arch === 'inceptionv3') return new PytorchcvInceptionV3(opts.numClasses ?? 1000);
  if (!(RESNET_ARCHS as readonly string[]).includes(arch)) {
    throw new StateDictError(
      `unknown PyTorchCV arch '${arch}': use one of ${PYTORCHCV_ARCHS.join(', ')}`,
    );
  }
  return new PytorchcvResNet(resnetSpec(arch, opts.numClasses ?? 1000));
}

/** A ResNet from any spec (e.g. the narrow golden ResNets: init 8, widths 8/16/32/64). */
export function createResNet(spec: ResNetSpec): FloatModel {
  return new PytorchcvResNet(spec);
}

export interface FromStateDictOptions {
  /**
   * PyTorchCV arch name. Needed only to tell resnet50/101 (stride in the 1×1 conv1) from
   * resnet50b/101b (stride in the 3×3 conv2): the two have identical shapes. Default: v1.
   */
  arch?: string;
}

/**
 * Builds a PyTorchCV model whose structure (block type, unit counts, widths, classes) is read from
 * the shapes of a float state_dict, then loads it. A DataParallel `module.` prefix is removed.
 */
export function pytorchcvFromStateDict(
  sd: ReadonlyMap<string, Tensor>,
  opts: FromStateDictOptions = {},
): FloatModel {
  const dict = stripModulePrefix(sd);
  if ([...dict.keys()].some((k) => k.startsWith('quant_') || k.includes('.quant_'))) {
    throw new StateDictError(
      'this is a HAWQ quantized state_dict (quant_* modules), not a PyTorchCV float one; load it as a Q-model',
    );
  }
  const model = dict.has('features.init_block.conv1.conv.weight')
    ? inceptionFrom(dict, opts)
    : new PytorchcvResNet(inferResNetSpec(dict, opts));
  try {
    model.loadStateDict(dict);
  } catch (err) {
    model.dispose();
    throw err;
  }
  return model;
}

function inceptionFrom(sd: ReadonlyMap<string, Tensor>, opts: FromStateDictOptions): FloatModel {
  if (opts.arch !== undefined && opts.arch !== 'inceptionv3') {
    throw new StateDictError(`state_dict is an InceptionV3, but arch '${opts.arch}' was requested`);
  }
  return new PytorchcvInceptionV3(shapeOf(sd, 'output.fc.weight', 2)[0]);
}

/** Reads a ResNetSpec from state_dict shapes; see FromStateDictOptions for the stride caveat. */
export function inferResNetSpec(
  sd: ReadonlyMap<string, Tensor>,
  opts: FromStateDictOptions = {},
): ResNetSpec {
  const stem = shapeOf(sd, 'features.init_block.conv.conv.weight', 4);
  const layers: number[] = [];
  for (let s = 1; sd.has(`features.stage${s}.unit1.body.conv1.conv.weight`); s++) {
    let u = 1;
    while (sd.has(`features.stage${s}.unit${u + 1}.body.conv1.conv.weight`)) u++;
    layers.push(u);
  }
  if (layers.length === 0) {
    throw new StateDictError(
      "state_dict has no 'features.stage1.unit1.body.conv1.conv.weight': not a PyTorchCV ResNet or InceptionV3",
    );
  }
  const bottleneck = sd.has('features.stage1.unit1.body.conv3.conv.weight');
  const last = bottleneck ? 'conv3' : 'conv2';
  const widths = layers.map(
    (_, s) => shapeOf(sd, `features.stage${s + 1}.unit1.body.${last}.conv.weight`, 4)[0],
  );
  const numClasses = shapeOf(sd, 'output.weight', 2)[0];
  const standard = standardResNet(bottleneck, layers, widths, stem[0]);
  if (opts.arch !== undefined) {
    if (!(RESNET_ARCHS as readonly string[]).includes(opts.arch)) {
      throw new StateDictError(
        `arch '${opts.arch}' is not a PyTorchCV ResNet (${RESNET_ARCHS.join(', ')})`,
      );
    }
    const want = resnetSpec(opts.arch);
    if (want.bottleneck !== bottleneck || want.layers.join() !== layers.join()) {
      throw new StateDictError(
        `state_dict has ${bottleneck ? 'bottleneck' : 'basic'} units [${layers.join(', ')}], which is not ${opts.arch}`,
      );
    }
  }
  const conv1Stride = !(opts.arch ?? '').endsWith('b');
  return {
    arch: opts.arch ?? (standard ? `${standard}${conv1Stride ? '' : 'b'}` : 'resnet-custom'),
    bottleneck,
    layers,
    widths,
    initChannels: stem[0],
    conv1Stride,
    numClasses,
  };
}

function standardResNet(
  bottleneck: boolean,
  layers: number[],
  widths: number[],
  init: number,
): string | null {
  if (init !== 64) return null;
  for (const arch of ['resnet18', 'resnet50', 'resnet101']) {
    const s = resnetSpec(arch);
    if (
      s.bottleneck === bottleneck &&
      s.layers.join() === layers.join() &&
      s.widths.join() === widths.join()
    ) {
      return arch;
    }
  }
  return null;
}

function shapeOf<N extends number>(
  sd: ReadonlyMap<string, Tensor>,
  key: string,
  rank: N,
): number[] & { 0: number } {
  const t = sd.get(key);
  if (!t) throw new StateDictError(`state_dict has no '${key}'`);
  if (t.shape.length !== rank) {
    throw new StateDictError(`'${key}' has shape [${t.shape.join(', ')}], expected rank ${rank}`);
  }
  return t.shape as number[] & { 0: number };
}

function stripModulePrefix(sd: ReadonlyMap<string, Tensor>): ReadonlyMap<string, Tensor> {
  const keys = [...sd.keys()];
  if (keys.length === 0 || !keys.every((k) => k.startsWith('module.'))) return sd;
  return new Map(keys.map((k) => [k.slice('module.'.length), sd.get(k)!]));
}
