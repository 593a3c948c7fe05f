// checkScheme on hand-built state_dicts (each problem category) and on the golden HAWQ
// checkpoints, which must fit their own scheme and not a wrong one.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadTorch, stateDictOf, Tensor } from '@hawq-ts/checkpoint';
import { type BitConfig, getBitConfig } from '@hawq-ts/core/config';
import { describe, expect, it } from 'vitest';
import { checkScheme, schemeWarnings } from '../src/scheme-check.js';

const config: BitConfig = {
  arch: 'tiny',
  scheme: 'test',
  entries: new Map([
    ['quant_input', 8],
    ['conv4', 4],
    ['quant_act1', 4],
    ['conv8', 8],
  ]),
  hooks: new Set(),
};

const f32 = (shape: number[], values: number[]) =>
  new Tensor('float32', shape, Float32Array.from(values));

/** A state_dict that fits `config`: each layer reaches its full signed range. */
function fitting(): Map<string, Tensor> {
  return new Map([
    ['module.quant_input.act_scaling_factor', f32([1], [0.02])],
    ['module.conv4.weight_integer', f32([2, 2], [-8, 7, 0, -7])],
    ['module.conv4.bias_integer', f32([2], [-(2 ** 31), 2 ** 31 - 1])],
    ['module.quant_act1.act_scaling_factor', f32([1], [0.5])],
    ['module.conv8.weight_integer', f32([2, 1], [127, -3])],
    ['module.conv8.bias_integer', f32([2], [1, 2])],
  ]);
}

describe('checkScheme on fake state_dicts', () => {
  it('accepts a state_dict that fits, with or without the module. prefix', () => {
    const r = checkScheme(fitting(), config);
    expect(r).toMatchObject({ ok: true, weightTensors: 2, actScales: 2, counts: {} });
    const bare = new Map([...fitting()].map(([k, v]) => [k.slice('module.'.length), v]));
    expect(checkScheme(bare, config).ok).toBe(true);
    expect(schemeWarnings(r, 'x.pth')).toEqual([]);
  });

  it('flags values outside the b-bit range, non-integers and layers that fit fewer bits', () => {
    const sd = fitting();
    sd.set('module.conv4.weight_integer', f32([2], [-9, 7]));
    sd.set('module.conv8.weight_integer', f32([2], [63, -12.5]));
    const r = checkScheme(sd, config);
    expect(r.counts).toEqual({
      'weight-out-of-range': 1,
      'weight-non-integer': 1,
      'weight-too-narrow': 1,
    });
    expect(r.problems.find((p) => p.category === 'weight-out-of-range')).toMatchObject({
      module: 'conv4',
      detail: '4-bit layer has values in [-9, 7], outside [-8, 7]',
    });
    expect(r.problems.find((p) => p.category === 'weight-too-narrow')?.module).toBe('conv8');
  });

  it('does not call an all-zero layer too narrow', () => {
    const sd = fitting();
    sd.set('module.conv8.weight_integer', f32([3], [0, 0, 0]));
    expect(checkScheme(sd, config).ok).toBe(true);
  });

  it('flags bias integers beyond int32 and non-positive or NaN activation scales', () => {
    const sd = fitting();
    sd.set('module.conv8.bias_integer', new Tensor('float64', [1], Float64Array.of(2 ** 31)));
    sd.set('module.quant_input.act_scaling_factor', f32([1], [0]));
    sd.set('module.quant_act1.act_scaling_factor', f32([1], [Number.NaN]));
    const r = checkScheme(sd, config);
    expect(r.counts).toEqual({ 'bias-out-of-int32': 1, 'act-scale-not-positive': 2 });
  });

  it('flags missing and unexpected layers, and a file without integer weights', () => {
    const sd = fitting();
    sd.delete('module.conv8.weight_integer');
    sd.set('module.fc.weight_integer', f32([1], [1]));
    const r = checkScheme(sd, config);
    expect(r.counts).toEqual({ 'missing-layer': 1, 'unexpected-layer': 1 });
    const float = new Map([['conv4.weight', f32([1], [0.1])]]);
    expect(checkScheme(float, config).counts).toEqual({ 'no-integer-weights': 1 });
  });

  it('prints one warning line per category and a summary', () => {
    const sd = fitting();
    sd.set('module.conv4.weight_integer', f32([2], [-100, 100]));
    sd.set('module.conv8.weight_integer', f32([2], [-200, 1]));
    sd.set('module.quant_act1.act_scaling_factor', f32([1], [-1]));
    const lines = schemeWarnings(checkScheme(sd, config), 'ck.pth.tar');
    expect(lines).toEqual([
      'warning: tiny/test: 2 weight_integer tensor(s) exceed their bit range (e.g. conv4: 4-bit layer has values in [-100, 100], outside [-8, 7])',
      'warning: tiny/test: 1 act_scaling_factor(s) are not positive (e.g. quant_act1: act_scaling_factor in [-1, -1])',
      'warning: ck.pth.tar does not fit tiny/test: 3 problem(s) in 2 categories; the archive may be mislabelled or damaged',
    ]);
  });
});

const golden = [
  process.env.HAWQ_GOLDEN_DIR,
  resolve(import.meta.dirname, '../../../../shared/golden'),
]
  .filter((d): d is string => !!d)
  .find((d) => existsSync(join(d, 'README.md')));
const load = async (c: string) =>
  stateDictOf(await loadTorch(join(golden as string, c, 'checkpoint.pth.tar')));

describe.skipIf(!golden)('checkScheme on the golden HAWQ checkpoints', () => {
  it.each([
    ['a_resnet18_uniform8', 'uniform8'],
    ['b_resnet18_uniform4', 'uniform4'],
    ['c_resnet18_bops_0.5', 'bops_0.5'],
  ])('%s fits resnet18/%s', async (c, scheme) => {
    const r = checkScheme(await load(c), getBitConfig('resnet18', scheme));
    expect(r.problems).toEqual([]);
    expect(r.weightTensors).toBe(21); // stem + 16 body convs + 3 identity convs + FC
    expect(r.actScales).toBeGreaterThan(0);
  });

  it('a uniform8 checkpoint checked as uniform4 exceeds the 4-bit range', async () => {
    const r = checkScheme(await load('a_resnet18_uniform8'), getBitConfig('resnet18', 'uniform4'));
    // every body conv; stem, FC stay 8-bit in both schemes
    expect(r.counts).toEqual({ 'weight-out-of-range': 19 });
  });

  it('a uniform4 checkpoint checked as uniform8 is too narrow for 8 bits', async () => {
    const r = checkScheme(await load('b_resnet18_uniform4'), getBitConfig('resnet18', 'uniform8'));
    expect(r.counts).toEqual({ 'weight-too-narrow': 19 });
  });

  it('the mixed bops_0.5 checkpoint does not fit uniform8 or uniform4', async () => {
    const sd = await load('c_resnet18_bops_0.5');
    expect(
      checkScheme(sd, getBitConfig('resnet18', 'uniform8')).counts['weight-too-narrow'],
    ).toBeGreaterThan(0);
    expect(
      checkScheme(sd, getBitConfig('resnet18', 'uniform4')).counts['weight-out-of-range'],
    ).toBeGreaterThan(0);
  });

  it('a resnet18 checkpoint checked as resnet50 reports missing and unexpected layers', async () => {
    const r = checkScheme(await load('a_resnet18_uniform8'), getBitConfig('resnet50', 'uniform8'));
    expect(r.counts['missing-layer']).toBeGreaterThan(0);
    expect(r.counts['unexpected-layer']).toBeGreaterThan(0);
  });
});
