// The case manifest format of ../shared/golden: only the machine-readable fields are used,
// so cases with other widths, input sizes, batch sizes and schemes work unchanged.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { QuantFlags } from '@hawq-ts/models';
import { GoldenCaseError } from './errors.js';

export interface FileEntry {
  file: string;
  dtype?: string;
  shape?: number[];
  sha256?: string;
  act_scaling_factor_order?: string[];
}

export interface CaseManifest {
  case?: string;
  kind?: string;
  arch?: string;
  bit_config?: Record<string, number | [number, string]>;
  float_model?: { conv1_stride?: boolean; bottleneck?: boolean };
  num_classes?: number;
  inputs?: {
    calib_input?: string;
    calib_shape?: number[];
    eval_input?: string;
    eval_shape?: number[];
  };
  flags?: {
    bias_bit?: number;
    channel_wise?: boolean;
    act_percentile?: number;
    act_range_momentum?: number;
    weight_percentile?: number;
    fix_BN?: boolean;
    fix_BN_threshold?: number | null;
    fixed_point_quantization?: boolean;
  };
  files?: FileEntry[];
}

export async function readManifest(dir: string): Promise<CaseManifest> {
  const path = join(dir, 'manifest.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new GoldenCaseError(`${path}: not found (a case directory needs a manifest.json)`);
  }
  try {
    return JSON.parse(text) as CaseManifest;
  } catch (err) {
    throw new GoldenCaseError(`${path}: invalid JSON (${(err as Error).message})`);
  }
}

export function fileEntry(m: CaseManifest, file: string): FileEntry | undefined {
  return m.files?.find((f) => f.file === file);
}

export function requireField<T>(value: T | undefined, field: string, dir: string): T {
  if (value === undefined || value === null) {
    throw new GoldenCaseError(`${join(dir, 'manifest.json')}: missing field ${field}`);
  }
  return value;
}

/** bit_config entries → bits ((bits, 'hook') tuples keep their bits). */
export function bitConfigOf(m: CaseManifest, dir: string): Map<string, number> {
  const raw = requireField(m.bit_config, 'bit_config', dir);
  const out = new Map<string, number>();
  for (const [k, v] of Object.entries(raw)) out.set(k, Array.isArray(v) ? v[0] : v);
  return out;
}

/** quant_train.py flags → Q-model flags (quant_train's defaults where a field is absent). */
export function flagsOf(m: CaseManifest): QuantFlags {
  const f = m.flags ?? {};
  return {
    biasBit: f.bias_bit ?? 32,
    channelWise: f.channel_wise ?? true,
    actPercentile: f.act_percentile ?? 0,
    weightPercentile: f.weight_percentile ?? 0,
    actRangeMomentum: f.act_range_momentum ?? -1,
    fixBN: f.fix_BN ?? false,
    fixBNThreshold: f.fix_BN_threshold ?? null,
    fixedPointQuantization: f.fixed_point_quantization ?? false,
  };
}
