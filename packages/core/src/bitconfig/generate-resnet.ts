import { hawqInitConvName, RESNET_ARCHS, resnetSpec, resnetUnits } from '../arch/index.js';
import { BitConfigError } from './errors.js';
import type { BitConfig } from './types.js';

/** The conv modules whose weight bits a ResNet scheme chooses (bit_config body convs). */
export function resnetBodyConvNames(arch: string): string[] {
  const spec = resnetSpec(arch);
  const names: string[] = [];
  for (const u of resnetUnits(spec)) {
    const p = `stage${u.stage}.unit${u.unit}.`;
    names.push(`${p}quant_convbn1`, `${p}quant_convbn2`);
    if (spec.bottleneck) names.push(`${p}quant_convbn3`);
    if (u.resizeIdentity) names.push(`${p}quant_identity_convbn`);
  }
  return names;
}

/**
 * HAWQ's bit_config rule for Q_ResNet (hawq-spec §2): each activation quantizer takes the bits of
 * the conv it feeds, every residual requantizer (`quant_act_int32`) is 16-bit, and the input,
 * stem conv, last activation and FC are 8-bit. An identity conv without its own entry takes the
 * bits of conv1 (both read the unit's `quant_act`).
 */
export function bitConfigFromConvBits(
  arch: string,
  convBits: ReadonlyMap<string, number>,
  scheme = 'custom',
): BitConfig {
  if (!(RESNET_ARCHS as readonly string[]).includes(arch)) {
    throw new BitConfigError(
      `bitConfigFromConvBits: arch '${arch}' is not a ResNet (${RESNET_ARCHS.join(', ')})`,
    );
  }
  const spec = resnetSpec(arch);
  const known = new Set(resnetBodyConvNames(arch));
  for (const name of convBits.keys()) {
    if (!known.has(name)) {
      throw new BitConfigError(`bitConfigFromConvBits: '${name}' is not a body conv of ${arch}`);
    }
  }
  const bits = (name: string, fallback?: string): number => {
    const b = convBits.get(name) ?? (fallback === undefined ? undefined : convBits.get(fallback));
    if (b === undefined) {
      throw new BitConfigError(`bitConfigFromConvBits: no bits for '${name}' of ${arch}`);
    }
    return b;
  };
  const entries = new Map<string, number>([
    ['quant_input', 8],
    [hawqInitConvName(spec), 8],
    ['quant_act_int32', 16],
  ]);
  const convs = spec.bottleneck ? 3 : 2;
  for (const u of resnetUnits(spec)) {
    const p = `stage${u.stage}.unit${u.unit}.`;
    for (let k = 1; k <= convs; k++) {
      entries.set(
        k === 1 ? `${p}quant_act` : `${p}quant_act${k - 1}`,
        bits(`${p}quant_convbn${k}`),
      );
      entries.set(`${p}quant_convbn${k}`, bits(`${p}quant_convbn${k}`));
    }
    if (u.resizeIdentity) {
      entries.set(
        `${p}quant_identity_convbn`,
        bits(`${p}quant_identity_convbn`, `${p}quant_convbn1`),
      );
    }
    entries.set(`${p}quant_act_int32`, 16);
  }
  entries.set('quant_act_output', 8);
  entries.set('quant_output', 8);
  return { arch, scheme, entries, hooks: new Set() };
}

/** Expands a table row name (`stage2.unit1.c1`, `…id`) to the HAWQ module name. */
export function tableRowToModule(row: string): string {
  const m = /^(stage\d+\.unit\d+)\.(c[123]|id)$/.exec(row);
  if (!m) throw new BitConfigError(`bad bit-table row '${row}'`);
  const suffix = m[2] === 'id' ? 'quant_identity_convbn' : `quant_convbn${m[2]!.slice(1)}`;
  return `${m[1]}.${suffix}`;
}
