// Mixed-precision synthetic models (a HAWQ bit config's per-module bits): the checkpoint carries
// exactly those bits, and its graphs run like the reference executor.
import { getBitConfig } from '@hawq-ts/core/config';
import { describe, expect, it } from 'vitest';
import { UnsupportedModelError } from '../src/errors.js';
import { integerModelFromHawq } from '../src/from-hawq.js';
import { exportIntegerOnnx } from '../src/onnx/export-int.js';
import { runReference } from '../src/reference.js';
import { runOnnx } from '../src/runner.js';
import { images, TINY_BASIC, tiny } from './helpers/tiny.js';

// ResNet18's layout with tiny widths, at Fashion-MNIST's 28×28.
const SPEC = { ...TINY_BASIC, layers: [2, 2, 2, 2], inputSize: 28, seed: 8 };
const BOPS = getBitConfig('resnet18', 'bops_0.5').entries;

describe('synthetic model with a per-module bit map (resnet18 bops_0.5)', () => {
  const model = integerModelFromHawq(tiny({ ...SPEC, moduleBits: BOPS }).stateDict, {
    arch: 'resnet18',
  });

  it('holds the bit config: mixed 4/8-bit convs and activation quantizers as the map says', () => {
    const convs = model.ops.filter((o) => o.kind === 'conv' && o.name.startsWith('stage'));
    const acts = model.ops.filter((o) => o.kind === 'requant' && o.name.startsWith('stage'));
    expect(convs.length).toBe(19);
    expect(acts.length).toBe(16);
    for (const op of convs) {
      expect([op.name, op.kind === 'conv' && op.weightBits]).toEqual([op.name, BOPS.get(op.name)]);
    }
    for (const op of acts) {
      expect([op.name, op.kind === 'requant' && op.bits]).toEqual([op.name, BOPS.get(op.name)]);
    }
    const bits = new Set(convs.map((o) => o.kind === 'conv' && o.weightBits));
    expect([...bits].sort()).toEqual([4, 8]);
  });

  const n = 3;
  const x = images(n, SPEC.inputSize, 9);
  const shape = [n, 3, SPEC.inputSize, SPEC.inputSize];
  const ref = runReference(model, x, shape);

  it('exact ONNX graph equals the reference executor bit for bit', async () => {
    const res = await runOnnx(exportIntegerOnnx(model, { engine: 'exact' }), x, shape);
    expect(Array.from(res.outputs.get('logits_int') as Int32Array)).toEqual(
      Array.from(ref.logitsInt),
    );
    expect(ref.logitsInt.some((v) => v !== 0)).toBe(true);
  });

  it('int8 graph (int4 layers in int8 containers) runs and keeps the logits close', async () => {
    const res = await runOnnx(exportIntegerOnnx(model, { engine: 'int8' }), x, shape);
    const li = res.outputs.get('logits_int') as Int32Array;
    expect(li.length).toBe(ref.logitsInt.length);
    const range = Math.max(...Array.from(ref.logitsInt, Math.abs));
    const err = Math.max(...Array.from(li, (v, i) => Math.abs(v - (ref.logitsInt[i] as number))));
    expect(err).toBeLessThanOrEqual(0.25 * range);
  });

  it('without a map, or with the uniform map, builds the same checkpoint as `bits`', () => {
    const plain = tiny({ ...SPEC, bits: 4 }).stateDict;
    const mapped = tiny({
      ...SPEC,
      bits: 8,
      moduleBits: Object.fromEntries(getBitConfig('resnet18', 'uniform4').entries),
    }).stateDict;
    expect([...mapped.keys()]).toEqual([...plain.keys()]);
    for (const [k, v] of plain) {
      expect([k, Array.from(mapped.get(k)!.toFloat32())]).toEqual([k, Array.from(v.toFloat32())]);
    }
  });

  it('refuses modules the structure lacks and fixed modules at other bits', () => {
    expect(() => tiny({ ...SPEC, moduleBits: { 'stage5.unit1.quant_act': 4 } })).toThrow(
      UnsupportedModelError,
    );
    expect(() =>
      tiny({ ...SPEC, moduleBits: { 'stage1.unit1.quant_identity_convbn': 8 } }),
    ).toThrow(/not a module of this basic ResNet/);
    expect(() => tiny({ ...SPEC, moduleBits: { quant_input: 4 } })).toThrow(
      /'quant_input' has 4 bits; HAWQ quantizes it at 8/,
    );
    expect(() => tiny({ ...SPEC, moduleBits: { 'stage1.unit1.quant_act1': 6 } })).toThrow(
      /4 or 8 bits/,
    );
  });
});
