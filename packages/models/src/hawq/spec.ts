// Shape of a Q_ResNet: derived from a float PyTorchCV state_dict or a HAWQ checkpoint, so any
// widths, depths and class counts work (the golden models are narrow ResNets).
import { QModelError } from './errors.js';

export type QResNetArch = 'resnet18' | 'resnet50' | 'resnet50b' | 'resnet101';

export interface QUnitSpec {
  /** HAWQ attribute name, e.g. 'stage2.unit1' */
  name: string;
  bottleneck: boolean;
  inChannels: number;
  midChannels: number;
  outChannels: number;
  stride: number;
  /** bottleneck only: stride on the first 1x1 conv (ResNet v1) rather than the 3x3 (v1.5, 'b') */
  conv1Stride: boolean;
  resizeIdentity: boolean;
}

export interface QResNetSpec {
  initChannels: number;
  inChannels: number;
  units: QUnitSpec[];
  numClasses: number;
  bottleneck: boolean;
  conv1Stride: boolean;
}

/** Minimal view of a state_dict entry: only the shape matters here. */
export type ShapeOf = (key: string) => readonly number[] | undefined;

const UNIT_RE = /^(?:module\.)?(?:features\.)?stage(\d+)\.unit(\d+)\./;

function unitNames(keys: Iterable<string>): [number, number][] {
  const seen = new Map<string, [number, number]>();
  for (const k of keys) {
    const m = UNIT_RE.exec(k);
    if (m) seen.set(`${m[1]}.${m[2]}`, [Number(m[1]), Number(m[2])]);
  }
  return [...seen.values()].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

function need(shapeOf: ShapeOf, key: string, source: string): readonly number[] {
  const s = shapeOf(key);
  if (!s) throw new QModelError(`${source}: missing key ${key}`);
  return s;
}

/**
 * Build the spec from key names and shapes. `style` says whether the keys are PyTorchCV float
 * names (features.stage1.unit1.body.conv1.conv.weight) or HAWQ names (stage1.unit1.quant_convbn1.conv.weight).
 */
export function specFromShapes(
  keys: readonly string[],
  shapeOf: ShapeOf,
  style: 'pytorchcv' | 'hawq',
  opts: { conv1Stride?: boolean; source?: string } = {},
): QResNetSpec {
  const source = opts.source ?? 'state_dict';
  const prefix = style === 'hawq' && keys.some((k) => k.startsWith('module.')) ? 'module.' : '';
  const unitKey = (s: number, u: number, conv: string) =>
    style === 'pytorchcv'
      ? `features.stage${s}.unit${u}.${conv === 'identity' ? 'identity_conv' : `body.${conv}`}.conv.weight`
      : `${prefix}stage${s}.unit${u}.${conv === 'identity' ? 'quant_identity_convbn' : `quant_convbn${conv.slice(4)}`}.conv.weight`;
  const initKey =
    style === 'pytorchcv'
      ? 'features.init_block.conv.conv.weight'
      : keys.includes(`${prefix}quant_init_block_convbn.conv.weight`)
        ? `${prefix}quant_init_block_convbn.conv.weight`
        : `${prefix}quant_init_convbn.conv.weight`;
  const fcKey = style === 'pytorchcv' ? 'output.weight' : `${prefix}quant_output.weight`;
  const init = need(shapeOf, initKey, source);
  const fc = need(shapeOf, fcKey, source);
  const names = unitNames(keys);
  if (names.length === 0) throw new QModelError(`${source}: no stageS.unitU keys found`);
  const bottleneck = shapeOf(unitKey(names[0]![0], names[0]![1], 'conv3')) !== undefined;
  const conv1Stride = opts.conv1Stride ?? true;
  const units: QUnitSpec[] = [];
  for (const [s, u] of names) {
    const c1 = need(shapeOf, unitKey(s, u, 'conv1'), source);
    const last = need(shapeOf, unitKey(s, u, bottleneck ? 'conv3' : 'conv2'), source);
    const id = shapeOf(unitKey(s, u, 'identity'));
    units.push({
      name: `stage${s}.unit${u}`,
      bottleneck,
      inChannels: c1[1]!,
      midChannels: c1[0]!,
      outChannels: last[0]!,
      // PyTorchCV ResNet: the first unit of every stage but the first downsamples
      stride: u === 1 && s !== 1 ? 2 : 1,
      conv1Stride,
      resizeIdentity: id !== undefined,
    });
  }
  return {
    initChannels: init[0]!,
    inChannels: init[1]!,
    units,
    numClasses: fc[0]!,
    bottleneck,
    conv1Stride,
  };
}

/** The HAWQ class a spec corresponds to (Q_ResNet18 for basic blocks, Q_ResNet50 otherwise). */
export function initConvName(spec: QResNetSpec): string {
  return spec.bottleneck ? 'quant_init_convbn' : 'quant_init_block_convbn';
}
