import { expect, it, describe as suite } from 'vitest';
import { describe, loadTorch, loadTorchDetailed, stateDictOf, Tensor } from '../src/index.js';
import { goldenCheckpoints } from './golden.js';

const cases = goldenCheckpoints();

suite('golden checkpoints written by torch 1.13', () => {
  it('finds all of them (zip, legacy and the qat files)', () => {
    const names = cases.map((c) => c.path.split('/').slice(-2).join('/'));
    expect(names).toContain('a_resnet18_uniform8/checkpoint_legacy.pth.tar');
    expect(names).toContain('qat_a_resnet18_uniform8_1step/grads.pth');
    expect(names).toContain('f_resnet18_float/model.pth');
    expect(cases.length).toBeGreaterThanOrEqual(8);
  });

  for (const { path, expected } of cases) {
    it(`agrees with tensors.json for ${path.split('/').slice(-2).join('/')}`, async () => {
      const { value, format } = await loadTorchDetailed(path);
      expect(format).toBe(path.endsWith('_legacy.pth.tar') ? 'legacy' : 'zip');
      const got = describe(value);
      // Same entries in the same (state_dict) order, bit-identical contents.
      expect(Object.keys(got.tensors)).toEqual(Object.keys(expected.tensors));
      expect(got.tensors).toEqual(expected.tensors);
      expect(Object.keys(got.values)).toEqual(Object.keys(expected.values));
      expect(got.values).toEqual(expected.values);
    });
  }

  it('exposes HAWQ checkpoint state_dicts as Map<string, Tensor>', async () => {
    const a = cases.find((c) => c.path.endsWith('a_resnet18_uniform8/checkpoint.pth.tar'))!;
    const ckpt = await loadTorch(a.path);
    const sd = stateDictOf(ckpt);
    expect(sd.size).toBe(320);
    const xmin = sd.get('module.quant_input.x_min')!;
    expect(xmin).toBeInstanceOf(Tensor);
    expect(xmin.dtype).toBe('float32');
    expect(xmin.shape).toEqual([1]);
    const best = (ckpt as Map<string, unknown>).get('best_acc1') as Tensor;
    expect(best.shape).toEqual([]);
  });
});
