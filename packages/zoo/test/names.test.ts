import { describe, expect, test } from 'vitest';
import {
  canonicalModelName,
  nearestModelNames,
  resolveModel,
  UnknownModelError,
} from '../src/index.js';

describe('model names', () => {
  test.each([
    ['resnet18_bops0.5', 'resnet18_bops0.5'],
    ['resnet18_bops_0.5', 'resnet18_bops0.5'],
    ['ResNet18_BOPS_0.5', 'resnet18_bops0.5'],
    ['resnet18_modelsize_0.5', 'resnet18_size0.5'],
    ['resnet50_modelsize0.75', 'resnet50_size0.75'],
    ['resnet50_latency_0.25', 'resnet50_latency0.25'],
    ['resnet18_uniform8.tar.gz', 'resnet18_uniform8'],
    [' inceptionv3_baseline ', 'inceptionv3_baseline'],
  ])('%s resolves to %s', (input, name) => {
    expect(resolveModel(input).name).toBe(name);
  });

  test('unknown names fail with the nearest valid names', () => {
    let error: unknown;
    try {
      resolveModel('resnet18_bop0.5');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(UnknownModelError);
    const e = error as UnknownModelError;
    expect(e.suggestions[0]).toBe('resnet18_bops0.5');
    expect(e.message).toMatch(
      /^unknown model 'resnet18_bop0\.5'; did you mean resnet18_bops0\.5, /,
    );
    expect(nearestModelNames('resnet34_uniform8', 1)).toEqual(['resnet18_uniform8']);
  });

  test('canonical spelling keeps unknown parts as typed', () => {
    expect(canonicalModelName('mobilenetv2_w1_bops_0.5')).toBe('mobilenetv2_w1_bops_0.5');
    expect(canonicalModelName('resnet18')).toBe('resnet18');
  });
});
