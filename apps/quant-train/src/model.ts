// The Q-model quant_train.py trains: PyTorchCV float weights (--pretrained, or a fresh init)
// wrapped in HAWQ's Q_ResNet or Q_InceptionV3 with the bit config and flags, or a HAWQ checkpoint
// (--resume … --resume-quantize), or HAWQ's positional --resume of a checkpoint into the float model.
import { readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { loadTorch, stateDictOf, type Tensor } from '@hawq-ts/checkpoint';
import { type BitConfig, getBitConfig, parseBitConfigJson } from '@hawq-ts/core';
import {
  createPytorchcvModel,
  PYTORCHCV_ARCHS,
  type PytorchcvArch,
  positionalResume,
  QInceptionV3,
  type QModel,
  QResNet,
  type QuantFlags,
} from '@hawq-ts/models';
import {
  isInceptionArch,
  type LoadedResume,
  loadResume,
  type QModelBuildOptions,
  qModelFromFloatStateDict,
  qModelFromHawqStateDict,
  TRAINABLE_Q_ARCHS,
} from '@hawq-ts/trainer';
import { UsageError } from './errors.js';
import type { QuantTrainArgs } from './options.js';

const Q_ARCHS = TRAINABLE_Q_ARCHS;

export function checkArch(arch: string, flag = '--arch'): void {
  if (Q_ARCHS.includes(arch)) return;
  if (arch === 'mobilenetv2_w1') {
    throw new UsageError(
      `${flag} ${arch}: its HAWQ Q-model is not implemented yet (supported: ${Q_ARCHS.join(', ')})`,
    );
  }
  throw new UsageError(`${flag} ${arch}: unknown architecture (supported: ${Q_ARCHS.join(', ')})`);
}

/** --quant-scheme: a bit-config key (bops_0.5), a zoo spelling (bops0.5, size0.5) or file:config.json. */
export function resolveScheme(arch: string, scheme: string): BitConfig {
  if (scheme.startsWith('file:')) {
    const file = scheme.slice('file:'.length);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new UsageError(
        `--quant-scheme ${scheme}: cannot read ${file} (${(e as NodeJS.ErrnoException).code})`,
      );
    }
    return parseBitConfigJson(text, file);
  }
  // resnet50b/101b share the shapes and module names of resnet50/101
  return getBitConfig(arch, scheme);
}

export function quantFlags(a: QuantTrainArgs): QuantFlags {
  return {
    biasBit: a.biasBit,
    channelWise: a.channelWise,
    actPercentile: a.actPercentile,
    weightPercentile: a.weightPercentile,
    actRangeMomentum: a.actRangeMomentum,
    fixBN: a.fixBN,
    fixBNThreshold: a.fixBNThreshold ?? null,
    fixedPointQuantization: a.fixedPointQuantization,
  };
}

/** PyTorchCV's cache: ~/.torch/models/<arch>-<error>-<hash>.pth. */
function cachedWeights(arch: string, flag: string): string {
  const dir = join(homedir(), '.torch', 'models');
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    names = [];
  }
  const hit = names.filter((n) => n.startsWith(`${arch}-`) && n.endsWith('.pth')).sort()[0];
  if (!hit) {
    throw new UsageError(`${flag}: no PyTorchCV weights for ${arch} in ${dir}; pass ${flag} FILE`);
  }
  return join(dir, hit);
}

/** The float state_dict: --pretrained FILE, --pretrained (pytorchcv cache), or PyTorchCV's init. */
export async function floatWeights(
  arch: string,
  pretrained: string | boolean,
  numClasses: number,
  flag = '--pretrained',
): Promise<Map<string, Tensor>> {
  if (pretrained === false) {
    if (!(PYTORCHCV_ARCHS as readonly string[]).includes(arch))
      throw new UsageError(`--arch ${arch}: not a PyTorchCV model`);
    const m = createPytorchcvModel(arch as PytorchcvArch, { numClasses });
    const sd = m.stateDict();
    m.dispose();
    return sd;
  }
  const file = pretrained === true ? cachedWeights(arch, flag) : pretrained;
  return stateDictOf(await loadTorch(file), file);
}

export interface BuiltModel {
  model: QModel;
  resume: LoadedResume | undefined;
  /** the float weights came from a file */
  source: string;
}

export async function buildModel(
  a: QuantTrainArgs,
  bits: BitConfig,
  numClasses: number,
): Promise<BuiltModel> {
  const opts: QModelBuildOptions = {
    arch: a.arch,
    bitConfig: bits.entries,
    flags: quantFlags(a),
    // resnet50b/101b: the stride sits in the 3x3 conv, invisible in the shapes
    ...(isInceptionArch(a.arch) ? {} : { conv1Stride: !a.arch.endsWith('b') }),
  };
  if (a.resume) {
    const resume = await loadResume(a.resume);
    if (a.resumeQuantize) {
      return {
        model: qModelFromHawqStateDict(resume.stateDict, { ...opts, source: a.resume }),
        resume,
        source: a.resume,
      };
    }
    // HAWQ: the FP model is built without pretrained weights when resuming, then the
    // checkpoint's values are assigned positionally
    const fresh = await floatWeights(a.arch, false, numClasses);
    const keys = [...fresh].map(([key, t]) => ({ key, shape: t.shape }));
    const sd = positionalResume(resume.stateDict, keys, a.resume);
    return {
      model: qModelFromFloatStateDict(sd, { ...opts, source: a.resume }),
      resume,
      source: a.resume,
    };
  }
  const sd = await floatWeights(a.arch, a.pretrained, numClasses);
  const source =
    typeof a.pretrained === 'string'
      ? a.pretrained
      : a.pretrained
        ? 'pytorchcv cache'
        : 'random init';
  return { model: qModelFromFloatStateDict(sd, { ...opts, source }), resume: undefined, source };
}

/** Refuse an input size the model's final pool cannot take before any image is decoded. */
export function checkInputSize(model: QModel, size: number): void {
  if (!(model instanceof QResNet || model instanceof QInceptionV3)) return;
  try {
    model.checkInputShape([1, model.spec.inChannels, size, size]);
  } catch (e) {
    throw new UsageError(`--input-size ${size}: ${(e as Error).message}`);
  }
}
