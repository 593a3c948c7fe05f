// Building Q_ResNets: from a HAWQ checkpoint state_dict (`--resume-quantize`) or from a float
// PyTorchCV state_dict plus a bit configuration.
import type { Tensor } from '@hawq-ts/checkpoint';
import { applyBitConfig, type BitConfigReport, type QuantFlags } from './config.js';
import { QModelError } from './errors.js';
import { loadFloatStateDict } from './float-load.js';
import { QResNet } from './q-resnet.js';
import { specFromShapes } from './spec.js';
import { loadHawqStateDict } from './state-dict.js';

export interface BuildOptions {
  /** module name → bits (HAWQ bit_config entry); required: checkpoints do not store bits */
  bitConfig: ReadonlyMap<string, number>;
  flags?: QuantFlags;
  /** bottleneck stride placement: true = ResNet v1 (resnet50), false = v1.5 (resnet50b) */
  conv1Stride?: boolean;
  /** throw when the config names modules the model lacks (default true) */
  strictConfig?: boolean;
  source?: string;
}

function shapeLookup(sd: ReadonlyMap<string, Tensor>) {
  return (k: string) => sd.get(k)?.shape;
}

function configure(model: QResNet, opts: BuildOptions): BitConfigReport {
  const report = applyBitConfig(model, opts.bitConfig, opts.flags);
  if ((opts.strictConfig ?? true) && report.unmatched.length > 0) {
    throw new QModelError(
      `${opts.source ?? 'bit config'}: ${report.unmatched.length} name(s) match no ${model.className} module, e.g. ${report.unmatched.slice(0, 3).join(', ')}`,
    );
  }
  return report;
}

/** A Q_ResNet from a HAWQ checkpoint's state_dict (keys with or without `module.`). */
export function qResNetFromHawqStateDict(
  sd: ReadonlyMap<string, Tensor>,
  opts: BuildOptions,
): QResNet {
  const keys = [...sd.keys()];
  const spec = specFromShapes(keys, shapeLookup(sd), 'hawq', {
    ...(opts.conv1Stride !== undefined ? { conv1Stride: opts.conv1Stride } : {}),
    source: opts.source ?? 'state_dict',
  });
  const model = new QResNet(spec);
  configure(model, opts);
  loadHawqStateDict(model, sd, { source: opts.source ?? 'state_dict' });
  return model;
}

/** A Q_ResNet wrapping a float PyTorchCV ResNet state_dict (ranges uncalibrated). */
export function qResNetFromFloatStateDict(
  sd: ReadonlyMap<string, Tensor>,
  opts: BuildOptions,
): QResNet {
  const keys = [...sd.keys()];
  const spec = specFromShapes(keys, shapeLookup(sd), 'pytorchcv', {
    ...(opts.conv1Stride !== undefined ? { conv1Stride: opts.conv1Stride } : {}),
    source: opts.source ?? 'state_dict',
  });
  const model = new QResNet(spec);
  configure(model, opts);
  loadFloatStateDict(model, sd, opts.source ?? 'state_dict');
  return model;
}

/** Float parameters of a HAWQ state_dict under PyTorchCV names (inverse of the name mapping). */
export function floatStateDictOfHawq(sd: ReadonlyMap<string, Tensor>): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const [raw, t] of sd) {
    const k = raw.startsWith('module.') ? raw.slice(7) : raw;
    let m = /^(?:quant_init_block_convbn|quant_init_convbn)\.(conv|bn)\.(.+)$/.exec(k);
    if (m) {
      out.set(`features.init_block.conv.${m[1]}.${m[2]}`, t);
      continue;
    }
    m = /^(stage\d+\.unit\d+)\.quant_convbn(\d)\.(conv|bn)\.(.+)$/.exec(k);
    if (m) {
      out.set(`features.${m[1]}.body.conv${m[2]}.${m[3]}.${m[4]}`, t);
      continue;
    }
    m = /^(stage\d+\.unit\d+)\.quant_identity_convbn\.(conv|bn)\.(.+)$/.exec(k);
    if (m) {
      out.set(`features.${m[1]}.identity_conv.${m[2]}.${m[3]}`, t);
      continue;
    }
    m = /^quant_output\.(weight|bias)$/.exec(k);
    if (m) out.set(`output.${m[1]}`, t);
  }
  return out;
}
