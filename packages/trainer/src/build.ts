// Building the Q-model a state_dict describes: Q_InceptionV3 when it has InceptionV3's keys,
// otherwise a Q_ResNet. HAWQ's quant_train.py picks the Q-model from -a alone; here a checkpoint
// that does not fit -a is refused with both names instead of loading garbage.
import type { Tensor } from '@hawq-ts/checkpoint';
import {
  type BuildOptions,
  type QModel,
  qInceptionV3FromFloatStateDict,
  qInceptionV3FromHawqStateDict,
  qResNetFromFloatStateDict,
  qResNetFromHawqStateDict,
} from '@hawq-ts/models';
import { TrainerError } from './errors.js';

export interface QModelBuildOptions extends BuildOptions {
  /** the -a the run asked for; a state_dict of the other family is an error */
  arch?: string;
}

const INCEPTION_KEY = /^(module\.)?features\.(q_)?init_block\.(q_)?conv1\./;

/** PyTorchCV InceptionV3 float keys or HAWQ Q_InceptionV3 keys (with or without `module.`). */
export function isInceptionStateDict(sd: ReadonlyMap<string, Tensor>): boolean {
  for (const k of sd.keys()) if (INCEPTION_KEY.test(k)) return true;
  return false;
}

export function isInceptionArch(arch: string): boolean {
  return arch.startsWith('inception');
}

function family(sd: ReadonlyMap<string, Tensor>, opts: QModelBuildOptions): 'inception' | 'resnet' {
  const found = isInceptionStateDict(sd) ? 'inception' : 'resnet';
  if (opts.arch !== undefined && isInceptionArch(opts.arch) !== (found === 'inception')) {
    throw new TrainerError(
      `${opts.source ?? 'state_dict'}: holds ${found === 'inception' ? 'an InceptionV3' : 'a ResNet'}, but -a is ${opts.arch}`,
    );
  }
  return found;
}

function inceptionOptions(o: QModelBuildOptions) {
  return {
    bitConfig: o.bitConfig,
    ...(o.flags ? { flags: o.flags } : {}),
    ...(o.strictConfig !== undefined ? { strictConfig: o.strictConfig } : {}),
    ...(o.source !== undefined ? { source: o.source } : {}),
  };
}

function resnetOptions(o: QModelBuildOptions): BuildOptions {
  const { arch: _arch, ...rest } = o;
  return rest;
}

/** `--resume … --resume-quantize`: the Q-model of a HAWQ checkpoint's state_dict. */
export function qModelFromHawqStateDict(
  sd: ReadonlyMap<string, Tensor>,
  opts: QModelBuildOptions,
): QModel {
  return family(sd, opts) === 'inception'
    ? qInceptionV3FromHawqStateDict(sd, inceptionOptions(opts))
    : qResNetFromHawqStateDict(sd, resnetOptions(opts));
}

/** A float model saved through DataParallel has every key under `module.`. */
function withoutModulePrefix(sd: ReadonlyMap<string, Tensor>): ReadonlyMap<string, Tensor> {
  const keys = [...sd.keys()];
  if (keys.length === 0 || !keys.every((k) => k.startsWith('module.'))) return sd;
  return new Map(keys.map((k) => [k.slice('module.'.length), sd.get(k)!]));
}

/** `--pretrained`: the Q-model wrapping a PyTorchCV float state_dict (ranges uncalibrated). */
export function qModelFromFloatStateDict(
  sd: ReadonlyMap<string, Tensor>,
  opts: QModelBuildOptions,
): QModel {
  const plain = withoutModulePrefix(sd);
  return family(plain, opts) === 'inception'
    ? qInceptionV3FromFloatStateDict(plain, inceptionOptions(opts))
    : qResNetFromFloatStateDict(plain, resnetOptions(opts));
}
