import { describeArch, getBitConfig } from '@hawq-ts/core';
import { ZOO_MODELS } from '@hawq-ts/zoo';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../src/index.js';

// Independent per-layer sums, straight from the layer list and the bit config (not accountModel):
// size = Σ params × b_w / 8 / 2^20 (FP: every parameter incl. BN and FC bias × 4 bytes),
// BOPS = Σ MACs × b_w × b_a / 1e9, b_a = bits of the layer's input quantizer, FP = 32 × 32.
function independent(arch: string, scheme: string | null) {
  const layers = describeArch(arch);
  if (scheme === null) {
    const params = layers.reduce((n, l) => n + l.params + l.extraParams, 0);
    const macs = layers.reduce((n, l) => n + l.macs, 0);
    return { size: (params * 4) / 2 ** 20, gbops: (macs * 32 * 32) / 1e9 };
  }
  const cfg = getBitConfig(arch, scheme);
  let bits = 0;
  let bops = 0;
  for (const l of layers) {
    const w = cfg.entries.get(l.name);
    const a = cfg.entries.get(l.inputQuantizer);
    if (w === undefined || a === undefined) throw new Error(`${arch}/${scheme}: ${l.name} missing`);
    bits += l.params * w;
    bops += l.macs * w * a;
  }
  return { size: bits / 8 / 2 ** 20, gbops: bops / 1e9 };
}

// hawq-spec §6 "computed" column (python3 from layer shapes), a second independent anchor.
const SPEC: Record<string, [number, number]> = {
  resnet18_baseline: [44.592, 1857.6],
  resnet50_baseline: [97.492, 3950.6],
  resnet101_baseline: [169.942, 7751.9],
  resnet101b_baseline: [169.942, 7988.6],
  inceptionv3_baseline: [90.922, 5850.3],
  resnet18_uniform8: [11.138, 116.1],
  'resnet18_size0.75': [9.732, 105.0],
  'resnet18_size0.5': [7.763, 99.45],
  'resnet18_size0.25': [7.138, 96.37],
  'resnet18_bops0.75': [8.536, 93.9],
  'resnet18_bops0.5': [6.487, 74.17],
  'resnet18_bops0.25': [5.909, 54.44],
  'resnet18_latency0.75': [8.536, 93.9],
  'resnet18_latency0.5': [7.06, 77.26],
  'resnet18_latency0.25': [5.909, 54.44],
  resnet18_uniform4: [5.818, 34.71],
  resnet50_uniform8: [24.321, 246.91],
  'resnet50_size0.75': [20.946, 230.26],
  'resnet50_size0.5': [18.696, 200.67],
  'resnet50_size0.25': [15.759, 168.61],
  'resnet50_bops0.75': [21.577, 200.05],
  'resnet50_bops0.5': [18.429, 156.89],
  'resnet50_bops0.25': [16.503, 111.27],
  'resnet50_latency0.75': [21.913, 202.52],
  'resnet50_latency0.5': [18.273, 157.51],
  'resnet50_latency0.25': [16.341, 115.58],
  resnet50_uniform4: [13.142, 67.49],
};

describe('computed size and BOPS', () => {
  const rows = buildReport().tables.flatMap((t) => t.rows);

  it('has a row for each of the 27 zoo models, in registry order', () => {
    expect(rows.map((r) => r.name)).toEqual(ZOO_MODELS.map((m) => m.name));
  });

  it.each(ZOO_MODELS.map((m) => [m.name, m.arch, m.bitConfig] as const))(
    '%s equals the independent per-layer sum',
    (name, arch, scheme) => {
      const row = rows.find((r) => r.name === name)!;
      const want = independent(arch, scheme);
      expect(row.sizeMiB).toBeCloseTo(want.size, 9);
      expect(row.gbops).toBeCloseTo(want.gbops, 6);
      const [specSize, specBops] = SPEC[name]!;
      expect(Math.abs(row.sizeMiB! - specSize)).toBeLessThan(0.0006);
      expect(Math.abs(row.gbops! - specBops)).toBeLessThan(0.051);
    },
  );

  it('FP rows keep the conv/FC-weights-only size beside the all-parameter one', () => {
    const fp = rows.find((r) => r.name === 'resnet50_baseline')!;
    expect(fp.sizeMiBWeightsOnly).toBeCloseTo(97.286, 3);
    expect(fp.sizeMiB).toBeCloseTo(97.492, 3);
  });
});
