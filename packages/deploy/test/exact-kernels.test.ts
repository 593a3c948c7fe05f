// The exact engine's graph shape: integer GEMMs in NHWC after a float32 stem, and both kernel
// choices (integer GEMM, and the previous integer-valued float32 convs) bit-exact with the reference.
import { describe, expect, it } from 'vitest';
import { integerModelFromHawq } from '../src/from-hawq.js';
import { exportIntegerOnnx } from '../src/onnx/export-int.js';
import { onnx } from '../src/onnx/proto.js';
import { planSplit } from '../src/onnx/split.js';
import { runReference } from '../src/reference.js';
import { runOptionsFor } from '../src/run-policy.js';
import { runOnnx } from '../src/runner.js';
import { images, saturated, TINY_BASIC, TINY_BOTTLENECK, tiny } from './helpers/tiny.js';

function opTypes(bytes: Uint8Array): string[] {
  return (onnx.ModelProto.decode(bytes).graph?.node ?? []).map((n) => n.opType as string);
}
const count = (types: string[], t: string) => types.filter((x) => x === t).length;

describe.each([
  ['basic 8-bit', TINY_BASIC, 'resnet18'],
  [
    'bottleneck 4-bit, stride in conv2 (resnet50b)',
    { ...TINY_BOTTLENECK, strideInConv2: true },
    'resnet50b',
  ],
])('%s', (_label, spec, arch) => {
  const model = integerModelFromHawq(tiny(spec).stateDict, { arch });
  const convs = model.ops.filter((o) => o.kind === 'conv').length;

  it('runs the stem as one float32 Conv and every other conv and the classifier as an integer GEMM', () => {
    const types = opTypes(exportIntegerOnnx(model));
    expect(count(types, 'Conv')).toBe(1);
    expect(count(types, 'MatMulIntegerToFloat') + count(types, 'MatMulInteger')).toBe(convs);
    // the accumulators are never rounded to float32 by a float MatMul/Gemm
    expect(types).not.toContain('MatMul');
    expect(types).not.toContain('Gemm');
  });

  it('float32 kernels (the previous exact graph) give the same integers', async () => {
    const n = 2;
    const x = images(n, spec.inputSize, 21);
    const shape = [n, 3, spec.inputSize, spec.inputSize];
    const ref = runReference(model, x, shape);
    const f32 = exportIntegerOnnx(model, { exactKernels: 'float32' });
    expect(opTypes(f32)).not.toContain('MatMulIntegerToFloat');
    // the integer graph as the engine runs it (one image per session.run, in worker threads), the
    // other in one run
    for (const [bytes, opts] of [
      [exportIntegerOnnx(model), runOptionsFor('exact', 2)],
      [f32, { batchSize: n }],
    ] as const) {
      const res = await runOnnx(bytes, x, shape, opts);
      expect(Array.from(res.outputs.get('logits_int') as Int32Array)).toEqual(
        Array.from(ref.logitsInt),
      );
    }
  });

  it('reports intermediates in NCHW order like the reference', async () => {
    const n = 2;
    const x = images(n, spec.inputSize, 5);
    const shape = [n, 3, spec.inputSize, spec.inputSize];
    const ref = runReference(model, x, shape, true);
    const unit = model.ops.find((o) => o.kind === 'residual')?.out as string;
    const res = await runOnnx(exportIntegerOnnx(model, { intermediates: [unit] }), x, shape);
    expect(Array.from(res.outputs.get(`int.${unit}`) as Int32Array)).toEqual(
      Array.from(ref.values.get(unit)?.data ?? []),
    );
  });
});

describe('layers beyond the float32 bound', () => {
  it('accumulate in int32 (MatMulInteger, bias added in float64), bit-exact', async () => {
    const model = integerModelFromHawq(saturated());
    const wide = model.ops.filter(
      (o) => (o.kind === 'conv' || o.kind === 'linear') && !planSplit(o).biasInFloat,
    );
    expect(wide.length).toBeGreaterThan(0);
    const bytes = exportIntegerOnnx(model);
    expect(opTypes(bytes)).toContain('MatMulInteger');
    const x = images(2, 193, 9);
    const ref = runReference(model, x, [2, 3, 193, 193]);
    const res = await runOnnx(bytes, x, [2, 3, 193, 193]);
    expect(Array.from(res.outputs.get('logits_int') as Int32Array)).toEqual(
      Array.from(ref.logitsInt),
    );
  });
});

describe('signed 8-bit conv inputs', () => {
  it('are shifted into uint8 with zero point 128 and stay bit-exact', async () => {
    // Drop the stem's ReLU: the next quantizer then sees signed values, and so does stage 1's conv.
    const base = integerModelFromHawq(tiny(TINY_BASIC).stateDict, { arch: 'resnet18' });
    const relu = base.ops.find((o) => o.kind === 'relu');
    if (relu?.kind !== 'relu') throw new Error('tiny model has no ReLU');
    const rewire = (n: string) => (n === relu.out ? relu.input : n);
    const ops = base.ops
      .filter((o) => o !== relu)
      .map((o) =>
        o.kind === 'residual'
          ? { ...o, identity: rewire(o.identity), body: rewire(o.body) }
          : { ...o, input: rewire(o.input) },
      );
    const model = { ...base, ops };
    const bytes = exportIntegerOnnx(model);
    const zeroPoints = (onnx.ModelProto.decode(bytes).graph?.initializer ?? []).filter((t) =>
      (t.name ?? '').endsWith('.azp'),
    );
    expect(zeroPoints.length).toBeGreaterThan(0);
    const x = images(2, TINY_BASIC.inputSize, 17);
    const shape = [2, 3, TINY_BASIC.inputSize, TINY_BASIC.inputSize];
    const ref = runReference(model, x, shape);
    const res = await runOnnx(bytes, x, shape);
    expect(Array.from(res.outputs.get('logits_int') as Int32Array)).toEqual(
      Array.from(ref.logitsInt),
    );
  });
});
