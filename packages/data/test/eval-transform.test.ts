import { describe, expect, it } from 'vitest';
import { evalTransformFor } from '../src/index.js';

describe('evalTransformFor', () => {
  it("is HAWQ's Resize(256)+CenterCrop(224) and Inception's 342/299 by default", () => {
    expect(evalTransformFor('resnet18')).toEqual({ kind: 'eval', resize: 256, crop: 224 });
    expect(evalTransformFor('inceptionv3')).toEqual({ kind: 'eval', resize: 342, crop: 299 });
  });

  it('keeps the ratio at other crop sizes', () => {
    expect(evalTransformFor('resnet18', { crop: 28 })).toEqual({
      kind: 'eval',
      resize: 32,
      crop: 28,
    });
    expect(evalTransformFor('resnet18', { crop: 56 })).toEqual({
      kind: 'eval',
      resize: 64,
      crop: 56,
    });
  });

  it('takes an explicit resize, the crop size itself meaning "no crop"', () => {
    expect(evalTransformFor('resnet18', { crop: 28, resize: 28 })).toEqual({
      kind: 'eval',
      resize: 28,
      crop: 28,
    });
  });

  it('refuses a resize smaller than the crop or fractional', () => {
    expect(() => evalTransformFor('resnet18', { crop: 28, resize: 24 })).toThrow(
      /≥ the crop size 28/,
    );
    expect(() => evalTransformFor('resnet18', { crop: 28, resize: 30.5 })).toThrow(RangeError);
  });
});
