// Golden verification on onnxruntime (HAWQ_GOLDEN_DIR, default <repo>/../shared/golden).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runGoldenCaseOnOrt } from '../src/golden.js';
import { loadIntegerModel } from '../src/load.js';
import { runReference } from '../src/reference.js';
import { f32, GOLDEN, hasGolden, i32 } from './helpers/golden.js';

const QUANTIZED = ['a_resnet18_uniform8', 'b_resnet18_uniform4', 'c_resnet18_bops_0.5'];

describe.skipIf(!hasGolden)('golden cases on ORT', () => {
  it.each(QUANTIZED)('%s: exact engine reproduces HAWQ bit for bit', async (c) => {
    const report = await runGoldenCaseOnOrt(join(GOLDEN, c), { engine: 'exact' });
    for (const check of report.checks) expect(check, check.detail).toMatchObject({ pass: true });
    expect(report.checks.map((k) => k.name)).toContain('logits_int.i32');
    if (c.startsWith('a_'))
      expect(report.checks.map((k) => k.name)).toContain('int_quant_act_int32.acc_int.i32');
  });

  it('f_resnet18_float: float ONNX export within 1e-4·max|b|', async () => {
    const report = await runGoldenCaseOnOrt(join(GOLDEN, 'f_resnet18_float'));
    expect(report.kind).toBe('float');
    expect(report.checks[0]?.pass, report.checks[0]?.detail).toBe(true);
    expect(report.argmaxMismatches).toBe(0);
  });

  it('fast engine: disagreement with HAWQ is measured (and small)', async () => {
    const rows: string[] = [];
    for (const c of QUANTIZED) {
      const r = await runGoldenCaseOnOrt(join(GOLDEN, c), { engine: 'fast' });
      rows.push(
        `${c}: logits_int ${r.checks[0]?.detail} (max rel Δ ${r.logitsIntMaxRelDelta?.toExponential(2)}), argmax differs on ${r.argmaxMismatches}`,
      );
      expect(r.logitsIntMaxRelDelta).toBeLessThan(0.05);
      expect(r.argmaxMismatches).toBeLessThanOrEqual(1);
    }
    console.log(`fast vs HAWQ:\n${rows.join('\n')}`);
  });

  it.each(QUANTIZED)('%s: JS reference executor reproduces HAWQ', async (c) => {
    const model = await loadIntegerModel(join(GOLDEN, c, 'checkpoint.pth.tar'));
    const res = runReference(model, f32(join(GOLDEN, 'inputs', 'input.f32')), [2, 3, 193, 193]);
    expect(Array.from(res.logitsInt)).toEqual(Array.from(i32(join(GOLDEN, c, 'logits_int.i32'))));
    expect(Array.from(res.logits)).toEqual(Array.from(f32(join(GOLDEN, c, 'logits.f32'))));
  });
});
