// HAWQ state_dict layout: export (keys as HAWQ saves them through DataParallel) and loading a
// HAWQ checkpoint the way `--resume --resume-quantize` does.
import { Tensor } from '@hawq-ts/checkpoint';
import { type Param, QuantAct, QuantBnConv2d, type QuantLinear } from '@hawq-ts/core';
import { QModelError } from './errors.js';
import type { QResNet } from './q-resnet.js';

const f32t = (shape: readonly number[], data: ArrayLike<number>) =>
  Tensor.fromFloat32(shape, Float32Array.from(data));

function bnConvEntries(m: QuantBnConv2d): [string, Tensor][] {
  const cout = m.outChannels;
  const out: [string, Tensor][] = [
    ['convbn_scaling_factor', f32t([m.convbnScalingFactor.length], m.convbnScalingFactor)],
    ['weight_integer', f32t(m.weightShape, m.weightInteger)],
    ['bias_integer', f32t([cout], m.biasInteger)],
    ['conv.weight', f32t(m.weightShape, m.weight.read())],
  ];
  if (m.bias) out.push(['conv.bias', f32t([cout], m.bias.read())]);
  out.push(
    ['bn.weight', f32t([cout], m.bnWeight.read())],
    ['bn.bias', f32t([cout], m.bnBias.read())],
    ['bn.running_mean', f32t([cout], m.runningMean.read())],
    ['bn.running_var', f32t([cout], m.runningVar.read())],
    ['bn.num_batches_tracked', Tensor.fromInt64([], BigInt64Array.of(m.numBatchesTracked))],
  );
  return out;
}

function actEntries(a: QuantAct): [string, Tensor][] {
  return [
    ['x_min', f32t([1], [a.xMin])],
    ['x_max', f32t([1], [a.xMax])],
    ['act_scaling_factor', f32t([1], [a.actScalingFactor])],
    ['pre_weight_scaling_factor', f32t([1], [a.preWeightScalingFactor])],
    ['identity_weight_scaling_factor', f32t([1], [a.identityWeightScalingFactor])],
  ];
}

function linearEntries(l: QuantLinear): [string, Tensor][] {
  return [
    ['weight', f32t(l.weight.shape, l.weight.read())],
    ['bias', f32t(l.bias.shape, l.bias.read())],
    ['fc_scaling_factor', f32t([l.fcScalingFactor.length], l.fcScalingFactor)],
    ['weight_integer', f32t(l.weight.shape, l.weightInteger)],
    ['bias_integer', f32t([l.outFeatures], l.biasInteger)],
  ];
}

/** model.state_dict() in HAWQ's order; prefix 'module.' as quant_train.py saves it. */
export function exportStateDict(
  model: Pick<QResNet, 'namedModules'>,
  prefix = 'module.',
): Map<string, Tensor> {
  const sd = new Map<string, Tensor>();
  for (const [name, m] of model.namedModules()) {
    const entries =
      m instanceof QuantAct
        ? actEntries(m)
        : m instanceof QuantBnConv2d
          ? bnConvEntries(m)
          : linearEntries(m);
    for (const [k, t] of entries) sd.set(`${prefix}${name}.${k}`, t);
  }
  return sd;
}

/** Keys `--resume-quantize` skips; everything derived from them is recomputed by the next forward. */
const SKIPPED = ['num_batches_tracked', 'weight_integer', 'bias_integer'];

function setParam(p: Param, t: Tensor, key: string): void {
  const want = p.shape.join(',');
  if (t.shape.join(',') !== want) {
    throw new QModelError(`${key}: shape [${t.shape}] does not match the model's [${want}]`);
  }
  p.assign(t.toFloat32());
}

function scalar(t: Tensor, key: string): number {
  if (t.numel !== 1) throw new QModelError(`${key}: expected one value, got shape [${t.shape}]`);
  return t.toFloat32()[0]!;
}

/**
 * Load a HAWQ state_dict (with or without the `module.` prefix) like `--resume-quantize`:
 * ranges, scales and float parameters are restored; integer buffers are recomputed on forward.
 * Unlike HAWQ's strict=False, unknown keys are an error unless `strict` is false.
 */
export function loadHawqStateDict(
  model: Pick<QResNet, 'namedModules' | 'className'>,
  sd: ReadonlyMap<string, Tensor>,
  opts: { strict?: boolean; source?: string } = {},
): void {
  const source = opts.source ?? 'state_dict';
  const modules = new Map(model.namedModules());
  const unknown: string[] = [];
  for (const [rawKey, t] of sd) {
    const key = rawKey.startsWith('module.') ? rawKey.slice('module.'.length) : rawKey;
    const suffix = SKIPPED.find((s) => key.endsWith(`.${s}`));
    const cut = key.lastIndexOf('.');
    // module names contain dots; try the longest module prefix that exists
    let modName = '';
    let local = '';
    for (let i = cut; i > 0; i = key.lastIndexOf('.', i - 1)) {
      if (modules.has(key.slice(0, i))) {
        modName = key.slice(0, i);
        local = key.slice(i + 1);
        break;
      }
    }
    const m = modules.get(modName);
    if (!m) {
      unknown.push(rawKey);
      continue;
    }
    if (suffix) {
      if (suffix === 'num_batches_tracked' && m instanceof QuantBnConv2d) {
        m.numBatchesTracked = BigInt(Math.round(scalar(t, rawKey)));
      }
      continue;
    }
    if (!applyEntry(m, local, t, `${source}: ${rawKey}`)) unknown.push(rawKey);
  }
  if (unknown.length > 0 && (opts.strict ?? true)) {
    throw new QModelError(
      `${source}: ${unknown.length} key(s) fit no ${model.className} module, e.g. ${unknown.slice(0, 3).join(', ')}`,
    );
  }
}

function applyEntry(
  m: QuantAct | QuantBnConv2d | QuantLinear,
  local: string,
  t: Tensor,
  key: string,
): boolean {
  if (m instanceof QuantAct) {
    const v = scalar(t, key);
    if (local === 'x_min') m.xMin = v;
    else if (local === 'x_max') m.xMax = v;
    else if (local === 'act_scaling_factor') m.actScalingFactor = v;
    else if (local === 'pre_weight_scaling_factor') m.preWeightScalingFactor = v;
    else if (local === 'identity_weight_scaling_factor') m.identityWeightScalingFactor = v;
    else return false;
    return true;
  }
  if (m instanceof QuantBnConv2d) {
    const params: Record<string, Param | undefined> = {
      'conv.weight': m.weight,
      'conv.bias': m.bias,
      'bn.weight': m.bnWeight,
      'bn.bias': m.bnBias,
      'bn.running_mean': m.runningMean,
      'bn.running_var': m.runningVar,
    };
    const p = params[local];
    if (p) setParam(p, t, key);
    else if (local === 'convbn_scaling_factor') m.convbnScalingFactor = t.toFloat32();
    else return false;
    return true;
  }
  if (local === 'weight') setParam(m.weight, t, key);
  else if (local === 'bias') setParam(m.bias, t, key);
  else if (local === 'fc_scaling_factor') m.fcScalingFactor = t.toFloat32();
  else return false;
  return true;
}
