// A float case: build the PyTorchCV model from its state_dict, run the eval input, compare logits.
import { join } from 'node:path';
import { loadTorch, stateDictOf } from '@hawq-ts/checkpoint';
import { pytorchcvFromStateDict } from '@hawq-ts/models';
import * as tf from '@tensorflow/tfjs';
import { CheckList } from './compare.js';
import { GoldenCaseError } from './errors.js';
import { argmax } from './eval-compare.js';
import { type CaseManifest, fileEntry, requireField } from './manifest.js';
import { readRaw, toNumbers } from './raw.js';

export async function checkFloatCase(
  dir: string,
  m: CaseManifest,
  log: (s: string) => void,
): Promise<CheckList[]> {
  const inp = requireField(m.inputs, 'inputs', dir);
  const shape = requireField(inp.eval_shape, 'inputs.eval_shape', dir);
  const x = (await readRaw(
    dir,
    requireField(inp.eval_input, 'inputs.eval_input', dir),
    'float32',
    shape,
  )) as Float32Array;
  const file = (m.files ?? []).map((f) => f.file).find((f) => /\.pth(\.tar)?$/.test(f));
  if (!file) throw new GoldenCaseError(`${dir}: the manifest lists no model file (.pth)`);
  const logitsEntry = requireField(fileEntry(m, 'logits.f32'), 'files[logits.f32]', dir);
  const ref = (await readRaw(
    dir,
    'logits.f32',
    'float32',
    requireField(logitsEntry.shape, 'logits.f32 shape', dir),
  )) as Float32Array;
  log(`${dir}: loading ${file} and running the float model`);
  const sd = stateDictOf(await loadTorch(join(dir, file)), file);
  const conv1Stride = m.float_model?.conv1_stride;
  const model = pytorchcvFromStateDict(sd, conv1Stride === false ? { arch: 'resnet50b' } : {});
  const list = new CheckList(file);
  try {
    const logits = tf.tidy(
      () =>
        model
          .forward(tf.tensor4d(x, shape as [number, number, number, number]), false)
          .dataSync() as Float32Array,
    );
    list.floatArray('logits', logits, ref);
    const am = fileEntry(m, 'argmax.i64');
    if (am?.shape) {
      const refArgmax = toNumbers(await readRaw(dir, 'argmax.i64', 'int64', am.shape));
      list.exactArray('argmax', argmax(logits, ref.length / shape[0]!), refArgmax);
    }
  } finally {
    model.dispose();
  }
  return [list];
}
