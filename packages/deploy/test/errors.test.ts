// Malformed and unsupported inputs fail at export time with one clear typed error.
import { describe, expect, it } from 'vitest';
import { MalformedModelError, RuntimeError, UnsupportedModelError } from '../src/errors.js';
import { integerModelFromHawq } from '../src/from-hawq.js';
import { exportFloatOnnx } from '../src/onnx/export-float.js';
import { exportIntegerOnnx } from '../src/onnx/export-int.js';
import { OrtRunner } from '../src/runner.js';
import type { TensorLike } from '../src/state-dict.js';
import { TINY_BASIC, tiny } from './helpers/tiny.js';

const base = () => new Map(tiny(TINY_BASIC).stateDict);
const t = (shape: number[], data: number[]): TensorLike => ({
  shape,
  toFloat32: () => Float32Array.from(data),
});

describe('export-time errors', () => {
  it('a float (PyTorchCV) state_dict is not a HAWQ checkpoint', () => {
    const sd = new Map([['features.init_block.conv.conv.weight', t([1], [0])]]);
    expect(() => integerModelFromHawq(sd, { source: 'model.pth' })).toThrow(UnsupportedModelError);
    expect(() => integerModelFromHawq(sd, { source: 'model.pth' })).toThrow(
      /model\.pth: not a HAWQ Q_ResNet state_dict.*float or Inception/,
    );
  });

  it('a missing key is named', () => {
    const sd = base();
    sd.delete('module.stage2.unit1.quant_convbn2.bias_integer');
    expect(() => integerModelFromHawq(sd, { source: 'ckpt.pth.tar' })).toThrow(
      new MalformedModelError(
        "ckpt.pth.tar: state_dict has no key 'module.stage2.unit1.quant_convbn2.bias_integer'",
      ),
    );
  });

  it('non-integer weights are rejected', () => {
    const sd = base();
    const w = sd.get('module.stage1.unit1.quant_convbn1.weight_integer') as TensorLike;
    const bad = w.toFloat32().slice();
    bad[3] = 0.5;
    sd.set('module.stage1.unit1.quant_convbn1.weight_integer', {
      shape: w.shape,
      toFloat32: () => bad,
    });
    expect(() => integerModelFromHawq(sd)).toThrow(UnsupportedModelError);
  });

  it('weights wider than 8 bits are an unsupported bit width', () => {
    const sd = base();
    const w = sd.get('module.stage1.unit1.quant_convbn1.weight_integer') as TensorLike;
    const wide = w.toFloat32().map((v) => v * 2);
    sd.set('module.stage1.unit1.quant_convbn1.weight_integer', {
      shape: w.shape,
      toFloat32: () => wide,
    });
    expect(() => integerModelFromHawq(sd)).toThrow(
      /not an integer weight of at most 8 bits|not a symmetric 2–8-bit/,
    );
  });

  it('a quantizer whose scale matches no HAWQ bit width is rejected', () => {
    const sd = base();
    sd.set('module.stage1.unit1.quant_act.act_scaling_factor', t([1], [0.123456]));
    expect(() => integerModelFromHawq(sd)).toThrow(
      /cannot tell the bit width of 'stage1.unit1.quant_act'/,
    );
  });

  it('a 16-bit quantizer where HAWQ needs 8 bits is unsupported', () => {
    const sd = base();
    const s = (
      sd.get('module.quant_act_int32.act_scaling_factor') as TensorLike
    ).toFloat32()[0] as number;
    for (const k of ['x_min', 'x_max', 'act_scaling_factor'])
      sd.set(`module.quant_act_output.${k}`, sd.get(`module.quant_act_int32.${k}`) as TensorLike);
    expect(s).toBeGreaterThan(0);
    expect(() => integerModelFromHawq(sd)).toThrow(
      /'quant_act_output' is a 16-bit quantizer; HAWQ ResNets use 8 bits there/,
    );
  });

  it('even kernels are an unsupported op', () => {
    const sd = base();
    sd.set(
      'module.stage1.unit1.quant_convbn1.weight_integer',
      t([4, 4, 2, 2], new Array(64).fill(127)),
    );
    expect(() => integerModelFromHawq(sd)).toThrow(/2×2 kernel/);
  });

  it('an unsupported opset is refused', () => {
    const model = integerModelFromHawq(base());
    expect(() => exportIntegerOnnx(model, { opset: 17 as 13 })).toThrow(
      /opset 17 is not supported/,
    );
    expect(() => exportIntegerOnnx(model, { intermediates: ['nope'] })).toThrow(/no tensor 'nope'/);
  });

  it('the float exporter refuses non-ResNet state_dicts', () => {
    const sd = new Map([['features.init_block.conv1.conv.weight', t([1], [0])]]);
    expect(() => exportFloatOnnx(sd, { source: 'inception.pth' })).toThrow(
      /inception\.pth: not a PyTorchCV ResNet/,
    );
  });
});

describe('runner errors and batching', () => {
  it('batches give the same logits as one run; bad shapes fail clearly; dispose is idempotent', async () => {
    const model = integerModelFromHawq(base());
    const bytes = exportIntegerOnnx(model);
    const x = Float32Array.from({ length: 3 * 3 * 193 * 193 }, (_, i) => Math.sin(i));
    const one = await OrtRunner.create(bytes, { batchSize: 1, intraOpThreads: 1 });
    const all = await OrtRunner.create(bytes, { batchSize: 8 });
    const a = await one.run(x, [3, 3, 193, 193]);
    const b = await all.run(x, [3, 3, 193, 193]);
    expect(Array.from(a.logits)).toEqual(Array.from(b.logits));
    expect(a.logits.length).toBe(3 * 5);
    await expect(one.run(x, [3, 3, 193])).rejects.toThrow(RuntimeError);
    await expect(one.run(x.subarray(1), [3, 3, 193, 193])).rejects.toThrow(/needs/);
    await one.dispose();
    await one.dispose();
    await expect(one.run(x, [3, 3, 193, 193])).rejects.toThrow(/disposed/);
    await all.dispose();
    await expect(OrtRunner.create(new Uint8Array([1, 2, 3]))).rejects.toThrow(RuntimeError);
  });
});
