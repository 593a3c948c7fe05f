// OrtRunner: chunking and concurrent sessions return exactly what one session.run returns.
import { describe, expect, it } from 'vitest';
import { RuntimeError } from '../src/errors.js';
import { integerModelFromHawq } from '../src/from-hawq.js';
import { exportIntegerOnnx } from '../src/onnx/export-int.js';
import { OrtRunner, runOnnx } from '../src/runner.js';
import { images, TINY_BASIC, tiny } from './helpers/tiny.js';

describe('OrtRunner', () => {
  const model = integerModelFromHawq(tiny(TINY_BASIC).stateDict, { arch: 'resnet18' });
  const bytes = exportIntegerOnnx(model);
  const n = 5;
  const x = images(n, TINY_BASIC.inputSize, 31);
  const shape = [n, 3, TINY_BASIC.inputSize, TINY_BASIC.inputSize];

  it('two concurrent sessions over chunks of 1 and 2 keep the images in order', async () => {
    const whole = await runOnnx(bytes, x, shape, { batchSize: n });
    for (const batchSize of [1, 2]) {
      const split = await runOnnx(bytes, x, shape, { batchSize, sessions: 2, intraOpThreads: 1 });
      expect(Array.from(split.outputs.get('logits_int') as Int32Array)).toEqual(
        Array.from(whole.outputs.get('logits_int') as Int32Array),
      );
      expect(Array.from(split.logits)).toEqual(Array.from(whole.logits));
    }
  });

  it('rejects a session count that is not a positive integer', async () => {
    await expect(OrtRunner.create(bytes, { sessions: 0 })).rejects.toThrow(RuntimeError);
  });
});
