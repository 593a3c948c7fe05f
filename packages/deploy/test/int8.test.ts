// The int8 engine: int8 kernels end to end, HAWQ's arithmetic approximated (8-bit residual stream).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { integerModelFromHawq } from '../src/from-hawq.js';
import { runGoldenCaseOnOrt } from '../src/golden.js';
import { exportIntegerOnnx } from '../src/onnx/export-int.js';
import { onnx } from '../src/onnx/proto.js';
import { runReference } from '../src/reference.js';
import { runOnnx } from '../src/runner.js';
import { GOLDEN, hasGolden } from './helpers/golden.js';
import { images, TINY_BASIC, TINY_BOTTLENECK, tiny } from './helpers/tiny.js';

function opTypes(bytes: Uint8Array): string[] {
  return (onnx.ModelProto.decode(bytes).graph?.node ?? []).map((n) => n.opType as string);
}

describe.each([
  ['basic 8-bit', TINY_BASIC, 'resnet18'],
  ['bottleneck 4-bit', TINY_BOTTLENECK, 'resnet50'],
])('%s', (_label, spec, arch) => {
  const model = integerModelFromHawq(tiny(spec).stateDict, { arch });

  it('runs every conv as QLinearConv and every residual sum as QLinearAdd, no float conv', () => {
    const types = opTypes(exportIntegerOnnx(model, { engine: 'int8' }));
    const count = (t: string) => types.filter((x) => x === t).length;
    expect(count('QLinearConv')).toBe(model.ops.filter((o) => o.kind === 'conv').length);
    expect(count('QLinearAdd')).toBe(model.ops.filter((o) => o.kind === 'residual').length);
    expect(count('QLinearGlobalAveragePool')).toBe(1);
    expect(types).not.toContain('Conv');
  });

  it('gives the same argmax as the exact reference on most images', async () => {
    const n = 4;
    const x = images(n, spec.inputSize, 13);
    const shape = [n, 3, spec.inputSize, spec.inputSize];
    const ref = runReference(model, x, shape);
    const res = await runOnnx(exportIntegerOnnx(model, { engine: 'int8' }), x, shape);
    const li = res.outputs.get('logits_int') as Int32Array;
    expect(li.length).toBe(ref.logitsInt.length);
    const k = model.numClasses;
    const argmax = (v: ArrayLike<number>, i: number) => {
      let best = 0;
      for (let c = 1; c < k; c++)
        if ((v[i * k + c] as number) > (v[i * k + best] as number)) best = c;
      return best;
    };
    let same = 0;
    for (let i = 0; i < n; i++) if (argmax(li, i) === argmax(ref.logitsInt, i)) same++;
    expect(same).toBeGreaterThanOrEqual(n - 1);
  });
});

describe.skipIf(!hasGolden)('int8 engine on the golden cases', () => {
  it('keeps HAWQ argmax and moves integer logits by under 15 % of their range', async () => {
    const rows: string[] = [];
    for (const c of ['a_resnet18_uniform8', 'b_resnet18_uniform4', 'c_resnet18_bops_0.5']) {
      const r = await runGoldenCaseOnOrt(join(GOLDEN, c), { engine: 'int8' });
      rows.push(
        `${c}: max rel Δ ${r.logitsIntMaxRelDelta?.toExponential(2)}, argmax differs on ${r.argmaxMismatches}`,
      );
      expect(r.argmaxMismatches).toBe(0);
      expect(r.logitsIntMaxRelDelta).toBeLessThan(0.15);
    }
    console.log(`int8 vs HAWQ:\n${rows.join('\n')}`);
  });
});
