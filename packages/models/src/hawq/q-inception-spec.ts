// Shape of a Q_InceptionV3: PyTorchCV's topology (kernels, strides, paddings, branch kinds from
// @hawq-ts/core's INCEPTION_* description) with the widths read from a state_dict, so narrowed
// variants work too. HAWQ itself asserts the standard widths; only the topology is fixed here.
import {
  branchOutChannels,
  INCEPTION_INIT_BLOCK,
  INCEPTION_UNITS,
  type InceptBranch,
  type InceptConvDef,
  type InceptUnit,
  seq3x3SplitConvs,
} from '@hawq-ts/core';
import { QModelError } from './errors.js';
import type { ShapeOf } from './spec.js';

export interface QInceptionSpec {
  inChannels: number;
  numClasses: number;
  initBlock: InceptConvDef[];
  units: InceptUnit[];
}

/** One conv+BN block: its PyTorchCV prefix and the HAWQ Q_InceptConv prefix. */
export interface InceptConvSite {
  /** e.g. features.stage1.unit1.branches.branch2.conv_list.conv1 */
  float: string;
  /** e.g. features.stage1.unit1.branches.branch2.q_conv_list.q_conv1 */
  hawq: string;
  inChannels: number;
  def: InceptConvDef;
}

/** HAWQ names every PyTorchCV submodule it wraps with a `q_` prefix (init_block → q_init_block). */
export function hawqLocal(local: string): string {
  return local
    .split('.')
    .map((s) => `q_${s}`)
    .join('.');
}

export function unitPrefix(unit: Pick<InceptUnit, 'stage' | 'unit'>): string {
  return `features.stage${unit.stage}.unit${unit.unit}`;
}

export function branchPrefix(unit: InceptUnit, b: number): string {
  return `${unitPrefix(unit)}.branches.branch${b + 1}`;
}

function site(base: string, local: string, inChannels: number, def: InceptConvDef): InceptConvSite {
  return { float: `${base}.${local}`, hawq: `${base}.${hawqLocal(local)}`, inChannels, def };
}

export function initConvSite(i: number, inChannels: number, def: InceptConvDef): InceptConvSite {
  return {
    float: `features.init_block.conv${i + 1}`,
    hawq: `features.q_init_block.q_conv${i + 1}`,
    inChannels,
    def,
  };
}

/** Conv sites of one branch in HAWQ's registration order (q_conv_list, then q_conv1x3, q_conv3x1). */
export function branchConvSites(unit: InceptUnit, b: number, inChannels: number): InceptConvSite[] {
  const p = branchPrefix(unit, b);
  const branch = unit.branches[b]!;
  switch (branch.kind) {
    case 'conv1x1':
    case 'avgpool':
      return [site(p, 'conv', inChannels, pointwise(branch.out))];
    case 'maxpool':
      return [];
    case 'seq':
    case 'seq3x3': {
      let cin = inChannels;
      const out = branch.convs.map((def, i) => {
        const s = site(p, `conv_list.conv${i + 1}`, cin, def);
        cin = def.out;
        return s;
      });
      if (branch.kind === 'seq3x3') {
        for (const split of seq3x3SplitConvs(cin)) out.push(site(p, split.name, cin, split.def));
      }
      return out;
    }
  }
}

export function pointwise(out: number): InceptConvDef {
  return { out, kernel: [1, 1], stride: 1, padding: [0, 0] };
}

/** Every conv site of the network in state_dict order, and the final feature width. */
export function inceptionConvSites(spec: QInceptionSpec): {
  sites: InceptConvSite[];
  finalChannels: number;
} {
  const sites: InceptConvSite[] = [];
  let c = spec.inChannels;
  spec.initBlock.forEach((def, i) => {
    sites.push(initConvSite(i, c, def));
    c = def.out;
  });
  for (const unit of spec.units) {
    let out = 0;
    unit.branches.forEach((branch, b) => {
      sites.push(...branchConvSites(unit, b, c));
      out += branchOutChannels(branch, c);
    });
    c = out;
  }
  return { sites, finalChannels: c };
}

/** The standard InceptionV3, or every width divided by `divisor` (rounded up) for small tests. */
export function inceptionSpec(
  opts: { divisor?: number; numClasses?: number } = {},
): QInceptionSpec {
  const d = opts.divisor ?? 1;
  if (!(Number.isInteger(d) && d >= 1)) {
    throw new QModelError(`inceptionSpec: divisor ${d} must be a positive integer`);
  }
  const w = (def: InceptConvDef): InceptConvDef => ({ ...def, out: Math.ceil(def.out / d) });
  return {
    inChannels: 3,
    numClasses: opts.numClasses ?? 1000,
    initBlock: INCEPTION_INIT_BLOCK.map(w),
    units: INCEPTION_UNITS.map((u) => ({
      ...u,
      branches: u.branches.map((b): InceptBranch => {
        if (b.kind === 'conv1x1' || b.kind === 'avgpool') {
          return { kind: b.kind, out: Math.ceil(b.out / d) };
        }
        return b.kind === 'maxpool' ? b : { kind: b.kind, convs: b.convs.map(w) };
      }),
    })),
  };
}

/**
 * Read the widths from a state_dict: PyTorchCV float keys (`features.init_block.conv1.conv.weight`)
 * or HAWQ keys (`features.q_init_block.q_conv1.q_convbn.conv.weight`, optional `module.`).
 */
export function inceptionSpecFromShapes(
  keys: readonly string[],
  shapeOf: ShapeOf,
  style: 'pytorchcv' | 'hawq',
  source = 'state_dict',
): QInceptionSpec {
  const prefix = style === 'hawq' && keys.some((k) => k.startsWith('module.')) ? 'module.' : '';
  const weightKey = (s: InceptConvSite) =>
    style === 'pytorchcv' ? `${s.float}.conv.weight` : `${prefix}${s.hawq}.q_convbn.conv.weight`;
  const need = (key: string): readonly number[] => {
    const shape = shapeOf(key);
    if (!shape) throw new QModelError(`${source}: missing key ${key} (not an InceptionV3?)`);
    return shape;
  };
  const outOf = (s: InceptConvSite) => need(weightKey(s))[0]!;
  // Walk the standard topology, replacing each width by the stored one before moving on, so
  // every conv's input width is known when its successor is looked up.
  const first = need(weightKey(initConvSite(0, 0, INCEPTION_INIT_BLOCK[0]!)));
  const spec: QInceptionSpec = { inChannels: first[1]!, numClasses: 0, initBlock: [], units: [] };
  INCEPTION_INIT_BLOCK.forEach((def, i) => {
    spec.initBlock.push({ ...def, out: outOf(initConvSite(i, 0, def)) });
  });
  for (const std of INCEPTION_UNITS) {
    const unit: InceptUnit = { stage: std.stage, unit: std.unit, branches: [] };
    std.branches.forEach((b, i) => {
      unit.branches.push(b);
      if (b.kind === 'maxpool') return;
      const sites = branchConvSites(unit, i, 0);
      if (b.kind === 'conv1x1' || b.kind === 'avgpool') {
        unit.branches[i] = { kind: b.kind, out: outOf(sites[0]!) };
      } else {
        unit.branches[i] = {
          kind: b.kind,
          convs: b.convs.map((def, j) => ({ ...def, out: outOf(sites[j]!) })),
        };
      }
    });
    spec.units.push(unit);
  }
  const fcKey = style === 'pytorchcv' ? 'output.fc.weight' : `${prefix}output.q_fc.weight`;
  const fc = need(fcKey);
  const { finalChannels } = inceptionConvSites(spec);
  if (fc[1] !== finalChannels) {
    throw new QModelError(
      `${source}: ${fcKey} has ${fc[1]} input features but the convs give ${finalChannels} channels`,
    );
  }
  spec.numClasses = fc[0]!;
  return spec;
}
