import { describe, expect, it } from 'vitest';
import { AccountingError, accountModel } from '../src/accounting/index.js';
import { getBitConfig } from '../src/bitconfig/index.js';

// The "computed" columns of hawq-spec §6's reproduction table, at their printed precision.
const FP: [string, number | null, number, number][] = [
  // arch, weight-only MiB, all-params MiB, GBOPS
  ['resnet18', 44.552, 44.592, 1857.6],
  ['resnet50', 97.286, 97.492, 3950.6],
  ['resnet101', 169.536, 169.942, 7751.9],
  ['resnet101b', 169.536, 169.942, 7988.6],
  ['inceptionv3', null, 90.922, 5850.3],
];

const QUANT: [string, string, number, number][] = [
  ['resnet18', 'uniform8', 11.138, 116.1],
  ['resnet18', 'modelsize_0.75', 9.732, 105.0],
  ['resnet18', 'modelsize_0.5', 7.763, 99.45],
  ['resnet18', 'modelsize_0.25', 7.138, 96.37],
  ['resnet18', 'bops_0.75', 8.536, 93.9],
  ['resnet18', 'bops_0.5', 6.487, 74.17],
  ['resnet18', 'bops_0.25', 5.909, 54.44],
  ['resnet18', 'latency_0.75', 8.536, 93.9],
  ['resnet18', 'latency_0.5', 7.06, 77.26],
  ['resnet18', 'latency_0.25', 5.909, 54.44],
  ['resnet18', 'uniform4', 5.818, 34.71],
  ['resnet50', 'uniform8', 24.321, 246.91],
  ['resnet50', 'modelsize_0.75', 20.946, 230.26],
  ['resnet50', 'modelsize_0.5', 18.696, 200.67],
  ['resnet50', 'modelsize_0.25', 15.759, 168.61],
  ['resnet50', 'bops_0.75', 21.577, 200.05],
  ['resnet50', 'bops_0.5', 18.429, 156.89],
  ['resnet50', 'bops_0.25', 16.503, 111.27],
  ['resnet50', 'latency_0.75', 21.913, 202.52],
  ['resnet50', 'latency_0.5', 18.273, 157.51],
  ['resnet50', 'latency_0.25', 16.341, 115.58],
  ['resnet50', 'uniform4', 13.142, 67.49],
];

const decimals = (x: number) => (String(x).split('.')[1] ?? '').length;
const round = (x: number, d: number) => Number(x.toFixed(d));

describe('accountModel', () => {
  it.each(FP)('%s FP32', (arch, mib, allMib, gbops) => {
    const acc = accountModel(arch, 'fp32');
    // The table prints only the all-parameter size for InceptionV3.
    if (mib !== null) expect(round(acc.sizeMiB, 3)).toBe(mib);
    expect(round(acc.sizeMiBAllParams, 3)).toBe(allMib);
    expect(round(acc.gbops, 1)).toBe(gbops);
  });

  it.each(QUANT)('%s %s', (arch, scheme, mib, gbops) => {
    const acc = accountModel(arch, getBitConfig(arch, scheme));
    expect(round(acc.sizeMiB, 3)).toBe(mib);
    expect(round(acc.gbops, Math.max(1, decimals(gbops)))).toBe(gbops);
  });

  it('counts the stem and FC at 8/8 and body convs at their scheme bits', () => {
    const acc = accountModel('resnet18', getBitConfig('resnet18', 'bops_0.5'));
    const stem = acc.perLayer[0]!;
    expect([stem.weightBits, stem.activationBits]).toEqual([8, 8]);
    const c = acc.perLayer.find((l) => l.name === 'stage4.unit2.quant_convbn1')!;
    expect([c.weightBits, c.activationBits, c.bops]).toEqual([4, 4, 115_605_504 * 16]);
    expect(acc.perLayer.at(-1)!.name).toBe('quant_output');
  });

  it('reports a config that lacks a layer of the arch', () => {
    expect(() => accountModel('resnet50', getBitConfig('resnet18', 'uniform8'))).toThrow(
      AccountingError,
    );
    expect(() => accountModel('resnet50', getBitConfig('resnet18', 'uniform8'))).toThrow(
      /resnet18\/uniform8 has no entry for layer 'quant_init_convbn' of resnet50/,
    );
  });

  it('accounts InceptionV3 uniform configs', () => {
    const u8 = accountModel('inceptionv3', getBitConfig('inceptionv3', 'uniform8'));
    expect(u8.gbops).toBeCloseTo((5_713_216_096 * 64) / 1e9, 6);
    const u4 = accountModel('inceptionv3', getBitConfig('inceptionv3', 'uniform4'));
    // Everything at 4 bits except the stem conv (864 weights) and the FC (2048×1000) at 8.
    const weights = u8.perLayer.reduce((n, l) => n + l.params, 0);
    expect(u4.sizeMiB).toBeCloseTo((weights * 4 + (864 + 2_048_000) * 4) / 8 / 2 ** 20, 9);
  });
});
