// Building Q_InceptionV3: from a float PyTorchCV InceptionV3 state_dict plus a bit config (what
// HAWQ's q_inceptionv3 would do if quant_train.py called it correctly), or from a HAWQ checkpoint.
import type { Tensor } from '@hawq-ts/checkpoint';
import type { BuildOptions } from './build.js';
import { applyBitConfig, type BitConfigReport } from './config.js';
import { QModelError } from './errors.js';
import { QInceptionV3 } from './q-inception.js';
import {
  inceptionConvSites,
  inceptionSpecFromShapes,
  type QInceptionSpec,
} from './q-inception-spec.js';
import { loadHawqStateDict } from './state-dict.js';

export type InceptionBuildOptions = Omit<BuildOptions, 'conv1Stride'>;

const BN_KEYS = ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked'] as const;

/**
 * PyTorchCV float key → Q_InceptionV3 key (without `module.`): every wrapped submodule gains a
 * `q_` prefix and each conv block sits under `q_convbn` (features.init_block.conv1.bn.bias →
 * features.q_init_block.q_conv1.q_convbn.bn.bias; output.fc.weight → output.q_fc.weight).
 */
export function inceptionHawqNameOf(floatKey: string): string | undefined {
  let m = /^features\.init_block\.(conv\d)\.(conv|bn)\.(.+)$/.exec(floatKey);
  if (m) return `features.q_init_block.q_${m[1]}.q_convbn.${m[2]}.${m[3]}`;
  m =
    /^(features\.stage\d+\.unit\d+\.branches\.branch\d+)\.(conv|conv_list\.conv\d+|conv1x3|conv3x1)\.(conv|bn)\.(.+)$/.exec(
      floatKey,
    );
  if (m) {
    const local = m[2]!.replace(/(^|\.)/g, '$1q_');
    return `${m[1]}.${local}.q_convbn.${m[3]}.${m[4]}`;
  }
  m = /^output\.fc\.(weight|bias)$/.exec(floatKey);
  if (m) return `output.q_fc.${m[1]}`;
  return undefined;
}

/** The float PyTorchCV state_dict layout of a spec: keys and shapes in state_dict order. */
export function inceptionFloatShapes(spec: QInceptionSpec): [string, number[]][] {
  const { sites, finalChannels } = inceptionConvSites(spec);
  const out: [string, number[]][] = [];
  for (const s of sites) {
    out.push([`${s.float}.conv.weight`, [s.def.out, s.inChannels, ...s.def.kernel]]);
    for (const k of BN_KEYS)
      out.push([`${s.float}.bn.${k}`, k === 'num_batches_tracked' ? [] : [s.def.out]]);
  }
  out.push(
    ['output.fc.weight', [spec.numClasses, finalChannels]],
    ['output.fc.bias', [spec.numClasses]],
  );
  return out;
}

function configure(model: QInceptionV3, opts: InceptionBuildOptions): BitConfigReport {
  const report = applyBitConfig(model, opts.bitConfig, opts.flags);
  if ((opts.strictConfig ?? true) && report.unmatched.length > 0) {
    throw new QModelError(
      `${opts.source ?? 'bit config'}: ${report.unmatched.length} name(s) match no Q_InceptionV3 module, e.g. ${report.unmatched.slice(0, 3).join(', ')}`,
    );
  }
  return report;
}

/** Copy a PyTorchCV InceptionV3 float state_dict into the model (HAWQ's set_param). */
export function loadInceptionFloatStateDict(
  model: QInceptionV3,
  sd: ReadonlyMap<string, Tensor>,
  source = 'state_dict',
): void {
  const mapped = new Map<string, Tensor>();
  const unknown: string[] = [];
  for (const [k, t] of sd) {
    const name = inceptionHawqNameOf(k);
    if (name) mapped.set(name, t);
    else unknown.push(k);
  }
  if (unknown.length > 0) {
    throw new QModelError(
      `${source}: ${unknown.length} key(s) are not PyTorchCV InceptionV3 names, e.g. ${unknown.slice(0, 3).join(', ')}`,
    );
  }
  const missing = inceptionFloatShapes(model.spec)
    .map(([k]) => k)
    .filter((k) => !k.endsWith('num_batches_tracked') && !sd.has(k));
  if (missing.length > 0) {
    throw new QModelError(`${source}: ${missing.length} float key(s) missing, e.g. ${missing[0]}`);
  }
  loadHawqStateDict(model, mapped, { source });
}

const shapes = (sd: ReadonlyMap<string, Tensor>) => (k: string) => sd.get(k)?.shape;

/** Q_InceptionV3 wrapping a float PyTorchCV InceptionV3 state_dict (any widths; uncalibrated). */
export function qInceptionV3FromFloatStateDict(
  sd: ReadonlyMap<string, Tensor>,
  opts: InceptionBuildOptions,
): QInceptionV3 {
  const source = opts.source ?? 'state_dict';
  const model = new QInceptionV3(
    inceptionSpecFromShapes([...sd.keys()], shapes(sd), 'pytorchcv', source),
  );
  configure(model, opts);
  loadInceptionFloatStateDict(model, sd, source);
  return model;
}

/** Q_InceptionV3 from a HAWQ checkpoint's state_dict (`--resume-quantize`; keys with or without `module.`). */
export function qInceptionV3FromHawqStateDict(
  sd: ReadonlyMap<string, Tensor>,
  opts: InceptionBuildOptions,
): QInceptionV3 {
  const source = opts.source ?? 'state_dict';
  const model = new QInceptionV3(
    inceptionSpecFromShapes([...sd.keys()], shapes(sd), 'hawq', source),
  );
  configure(model, opts);
  loadHawqStateDict(model, sd, { source });
  return model;
}
