// Every (m, e) of the IR against HAWQ's requant_params.json, and the exactness proof per layer.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exactnessReport } from '../src/exactness.js';
import { integerModelFromHawq } from '../src/from-hawq.js';
import { loadIntegerModel } from '../src/load.js';
import { FLOAT32_EXACT, planSplit } from '../src/onnx/split.js';
import { runReference } from '../src/reference.js';
import { RESNET50 } from '../src/synthetic.js';
import { f32, GOLDEN, hasGolden } from './helpers/golden.js';
import { saturated } from './helpers/tiny.js';

describe.skipIf(!hasGolden)('requantization constants', () => {
  it.each(['a_resnet18_uniform8', 'b_resnet18_uniform4', 'c_resnet18_bops_0.5'])(
    '%s: m and e equal HAWQ in call order',
    async (c) => {
      const model = await loadIntegerModel(join(GOLDEN, c, 'checkpoint.pth.tar'));
      const golden = JSON.parse(
        readFileSync(join(GOLDEN, c, 'requant_params.json'), 'utf8'),
      ) as Array<{ module: string; m: number[]; e: number[] }>;
      const mine: Array<{ module: string; m: number[]; e: number[] }> = [];
      for (const op of model.ops) {
        if (op.kind === 'requant') mine.push({ module: op.name, m: op.scale.m, e: op.scale.e });
        if (op.kind === 'residual')
          mine.push({ module: op.name, ...op.identityScale }, { module: op.name, ...op.bodyScale });
      }
      expect(mine).toEqual(golden.map(({ module, m, e }) => ({ module, m, e })));
    },
  );

  it.each(['a_resnet18_uniform8', 'b_resnet18_uniform4', 'c_resnet18_bops_0.5'])(
    '%s: every exported conv/linear is provably exact; observed |acc|·m ≤ 2^53',
    async (c) => {
      const model = await loadIntegerModel(join(GOLDEN, c, 'checkpoint.pth.tar'));
      const report = exactnessReport(model);
      const layers = report.filter((l) => l.kind === 'conv' || l.kind === 'linear');
      expect(layers.length).toBe(21);
      for (const l of layers)
        expect(l, `${l.name}: ${l.bound} > ${l.limit}`).toMatchObject({ withinLimit: true });
      // Requantization on the real data: the largest |acc|·m stays in float64's exact-integer range.
      const run = runReference(
        model,
        f32(join(GOLDEN, 'inputs', 'input.f32')),
        [2, 3, 193, 193],
        true,
      );
      const maxAbs = (n: string) =>
        (run.values.get(n)?.data ?? new Float64Array(0)).reduce(
          (m, v) => Math.max(m, Math.abs(v)),
          0,
        );
      for (const op of model.ops) {
        if (op.kind === 'requant')
          expect(maxAbs(op.input) * Math.max(...op.scale.m), op.name).toBeLessThanOrEqual(2 ** 53);
        if (op.kind === 'residual')
          expect(maxAbs(op.body) * Math.max(...op.bodyScale.m), op.name).toBeLessThanOrEqual(
            2 ** 53,
          );
      }
    },
  );
});

describe('exactness bound', () => {
  it('holds for every layer of a random model, including split ones', () => {
    const model = integerModelFromHawq(saturated());
    const report = exactnessReport(model);
    expect(report.some((l) => (l.groups ?? 1) > 1)).toBe(true);
    for (const l of report)
      if (l.kind === 'conv' || l.kind === 'linear') expect(l.withinLimit, l.name).toBe(true);
  });

  it('splits a full-width ResNet50 layer into groups that each respect 2^24', () => {
    // stage4 3×3 conv of ResNet50: K = 512·9 at int8 — far beyond 2^24 unsplit.
    const w = new Int8Array(4 * 512 * 9).fill(127);
    const op = {
      kind: 'conv' as const,
      name: 'stage4.unit2.quant_convbn2',
      input: 'x',
      out: 'y',
      shape: [4, 512, 3, 3] as [number, number, number, number],
      weight: w,
      bias: new Int32Array(4),
      weightBits: 8,
      weightScale: new Float32Array(4),
      stride: 1,
      pad: 1,
      inputBound: 128,
    };
    const plan = planSplit(op);
    expect(plan.groups.reduce((a, b) => a + b, 0)).toBe(512);
    expect(plan.groups.length).toBe(Math.ceil((512 * 9 * 128 * 127) / FLOAT32_EXACT));
    expect(plan.worstBound).toBeLessThanOrEqual(FLOAT32_EXACT);
    expect(plan.naiveBound).toBe(512 * 9 * 128 * 127);
    expect(plan.biasInFloat).toBe(false);
    expect(RESNET50.channels.at(-1)).toBe(2048);
  });
});
