// The ONNX graphs against the JS reference executor on random models and random inputs.
import { describe, expect, it } from 'vitest';
import { integerModelFromHawq } from '../src/from-hawq.js';
import { exportIntegerOnnx } from '../src/onnx/export-int.js';
import { planSplit } from '../src/onnx/split.js';
import { runReference } from '../src/reference.js';
import { runOnnx } from '../src/runner.js';
import { images, saturated, TINY_BASIC, TINY_BOTTLENECK, tiny } from './helpers/tiny.js';

describe.each([
  ['basic 8-bit', TINY_BASIC, 'resnet18'],
  ['bottleneck 4-bit', TINY_BOTTLENECK, 'resnet50'],
  [
    'bottleneck 4-bit, stride in conv2 (resnet50b)',
    { ...TINY_BOTTLENECK, strideInConv2: true, seed: 5 },
    'resnet50b',
  ],
  // the final pool covers the whole final map: 1×1 at Fashion-MNIST's 28×28, 2×2 at 64×64
  ['basic 8-bit at 28×28', { ...TINY_BASIC, inputSize: 28, seed: 3 }, 'resnet18'],
  ['bottleneck 4-bit at 64×64', { ...TINY_BOTTLENECK, inputSize: 64, seed: 4 }, 'resnet50'],
])('%s', (_label, spec, arch) => {
  const syn = tiny(spec);
  const model = integerModelFromHawq(syn.stateDict, { arch });
  const n = 3;
  const x = images(n, spec.inputSize, 7);
  const shape = [n, 3, spec.inputSize, spec.inputSize];
  const ref = runReference(model, x, shape);

  it('exact ONNX graph equals the reference executor bit for bit', async () => {
    const res = await runOnnx(exportIntegerOnnx(model, { engine: 'exact' }), x, shape);
    expect(Array.from(res.outputs.get('logits_int') as Int32Array)).toEqual(
      Array.from(ref.logitsInt),
    );
    expect(Array.from(res.logits)).toEqual(Array.from(ref.logits));
  });

  it('opset 21 gives the same integers', async () => {
    const res = await runOnnx(exportIntegerOnnx(model, { engine: 'exact', opset: 21 }), x, shape);
    expect(Array.from(res.outputs.get('logits_int') as Int32Array)).toEqual(
      Array.from(ref.logitsInt),
    );
  });

  it('fast ONNX graph stays close to exact', async () => {
    const res = await runOnnx(exportIntegerOnnx(model, { engine: 'fast' }), x, shape);
    const li = res.outputs.get('logits_int') as Int32Array;
    expect(li.length).toBe(ref.logitsInt.length);
    const range = Math.max(...Array.from(ref.logitsInt, Math.abs));
    const err = Math.max(...Array.from(li, (v, i) => Math.abs(v - (ref.logitsInt[i] as number))));
    // float32 requant scales flip a few roundings; the effect on the logits stays a small fraction.
    expect(err).toBeLessThanOrEqual(0.25 * range);
  });

  it('the calibrated random model gives non-trivial, image-dependent logits', () => {
    const k = model.numClasses;
    expect(ref.logitsInt.some((v) => v !== 0)).toBe(true);
    expect(Array.from(ref.logitsInt.subarray(0, k))).not.toEqual(
      Array.from(ref.logitsInt.subarray(k, 2 * k)),
    );
  });
});

describe('layers beyond the float32 bound are split by input channel', () => {
  // A 3×3 conv over 160 int8 channels with every weight at ±127: Σ|w|·128 > 2^24, so it needs two
  // partial convolutions.
  const model = integerModelFromHawq(saturated());
  it('plans more than one group and still matches the reference', async () => {
    const split = model.ops.filter(
      (o) => (o.kind === 'conv' || o.kind === 'linear') && planSplit(o).groups.length > 1,
    );
    expect(split.map((o) => o.name)).toContain('stage4.unit1.quant_convbn2');
    const x = images(2, 193, 3);
    const ref = runReference(model, x, [2, 3, 193, 193]);
    const res = await runOnnx(exportIntegerOnnx(model), x, [2, 3, 193, 193]);
    expect(Array.from(res.outputs.get('logits_int') as Int32Array)).toEqual(
      Array.from(ref.logitsInt),
    );
  });
});
