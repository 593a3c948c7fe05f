import { type BitConfig, getBitConfig } from '@hawq-ts/core/config';
import { toHawqName } from '@hawq-ts/ilp';
import { ReportError } from '../errors.js';
import { T4_LATENCY } from '../t4-latency.js';

/**
 * Estimated T4 speed-up of a bit config over W8A8: Σ_layers latency_int8 / Σ_layers
 * latency_at_config_bits, over the body convolutions of HAWQ's per-layer T4 table (ILP.ipynb,
 * batch 8). The table has no first conv, FC or FP timings: first conv and FC are 8-bit in every
 * config and are left out (which slightly overstates the ratio), and FP rows get null.
 * Null also for architectures the table does not cover.
 */
export function t4SpeedupOverW8A8(arch: string, config: BitConfig | null): number | null {
  const table = T4_LATENCY[arch];
  if (!table || !config) return null;
  let int8 = 0;
  let atBits = 0;
  table.layers.forEach((short, i) => {
    const bits = config.entries.get(toHawqName(short));
    if (bits !== 4 && bits !== 8) {
      throw new ReportError(
        `bit config ${config.arch}/${config.scheme}: layer ${short} has ${bits} bits, the T4 table has only 4 and 8`,
      );
    }
    int8 += table.int8[i]!;
    atBits += bits === 4 ? table.int4[i]! : table.int8[i]!;
  });
  return int8 / atBits;
}

export function t4EstimateFor(arch: string, scheme: string | null): number | null {
  return scheme === null ? null : t4SpeedupOverW8A8(arch, getBitConfig(arch, scheme));
}
