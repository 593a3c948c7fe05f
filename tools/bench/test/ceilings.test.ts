// `pnpm bench deploy-profile`'s ceilings count the values a model requantizes per image from the
// IR's shapes; the reference executor's actual tensors must give the same count.
import { integerModelFromHawq, runReference, syntheticHawqResNet } from '@hawq-ts/deploy';
import { describe, expect, it } from 'vitest';
import { requantizedValues } from '../src/_ceilings.js';

const NARROW_BOTTLENECK = {
  block: 'bottleneck' as const,
  layers: [1, 2, 1, 1],
  channels: [32, 64, 96, 128],
  initChannels: 8,
  numClasses: 10,
};

describe('requantizedValues', () => {
  for (const size of [40, 64]) {
    it(`counts every requant input and both residual sides (bottleneck ResNet, ${size}²)`, () => {
      const syn = syntheticHawqResNet({ ...NARROW_BOTTLENECK, bits: 8, inputSize: size, seed: 3 });
      const model = integerModelFromHawq(syn.stateDict, { arch: 'resnet50', source: 'test' });
      const ref = runReference(model, new Float32Array(3 * size * size), [1, 3, size, size], true);
      const size1 = (name: string) => ref.values.get(name)?.data.length ?? Number.NaN;
      let expected = 0;
      for (const op of model.ops) {
        if (op.kind === 'requant') expected += size1(op.input);
        if (op.kind === 'residual') expected += size1(op.identity) + size1(op.body);
      }
      expect(expected).toBeGreaterThan(0);
      expect(requantizedValues(model, size)).toBe(expected);
    });
  }
});
