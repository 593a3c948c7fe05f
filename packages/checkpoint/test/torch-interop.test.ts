import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it, describe as suite } from 'vitest';
import {
  DTYPE_NAMES,
  loadTorch,
  loadTorchDetailed,
  PyFloat,
  PyOrderedDict,
  type PyValue,
  saveTorch,
  Tensor,
  tuple,
} from '../src/index.js';
import { jsView, type TorchView } from './structure.js';
import { skipTorch, torchHelper } from './torch-python.js';

const dir = mkdtempSync(join(tmpdir(), 'ckpt-torch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function randomTensor(dtype: (typeof DTYPE_NAMES)[number], shape: number[], seed: number): Tensor {
  let s = seed >>> 0 || 1;
  const rnd = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
  const n = shape.reduce((a, b) => a * b, 1);
  const t = Tensor.zeros(dtype, shape);
  for (let i = 0; i < n; i++) {
    const r = rnd();
    if (dtype === 'int64')
      (t.data as BigInt64Array)[i] = BigInt(Math.floor((r - 0.5) * 2 ** 52)) * 1021n;
    else if (dtype === 'float16' || dtype === 'bfloat16')
      (t.data as Uint16Array)[i] = Math.floor(r * 0x7c00);
    else if (dtype === 'bool') (t.data as Uint8Array)[i] = r < 0.5 ? 1 : 0;
    else if (dtype.startsWith('float')) (t.data as Float32Array)[i] = (r - 0.5) * 1e3;
    else (t.data as Int32Array)[i] = Math.floor((r - 0.5) * 2 ** 31);
  }
  return t;
}

suite.skipIf(skipTorch)('files we write open in torch.load', () => {
  it('every dtype, shared storages, nested containers, scalars and empties', async () => {
    const shared = new Float32Array(24).map((_, i) => i * 1.5);
    const value: PyValue = new Map<string | number, PyValue>([
      [
        'per_dtype',
        new PyOrderedDict(DTYPE_NAMES.map((d, i) => [d, randomTensor(d, [3, 4, 5], i + 1)])),
      ],
      ['shared_whole', new Tensor('float32', [4, 6], shared)],
      ['shared_part', new Tensor('float32', [2, 4], shared.subarray(4, 12))],
      ['scalar', Tensor.scalar('float32', 50)],
      ['empty', Tensor.zeros('int64', [0, 3])],
      ['lr', 0.01],
      ['one', new PyFloat(1)],
      ['big', 2n ** 70n],
      ['neg', -(2 ** 40)],
      [
        'nested',
        [
          1,
          tuple(2, 'x', [null, true]),
          new Map<string | number, PyValue>([[3, 'three']]),
          [],
          new Map(),
        ],
      ],
    ]);
    const file = join(dir, 'ours.pth');
    await saveTorch(file, value);
    const [torchView] = torchHelper<TorchView[]>('describe', file);
    const ours = jsView(value);
    expect(torchView!.tensors).toEqual(ours.tensors);
    expect(Object.keys(torchView!.tensors)).toEqual(Object.keys(ours.tensors));
    expect(torchView!.types).toEqual(ours.types);
    expect(torchView!.storages).toEqual([['shared_part', 'shared_whole']]);
    // bigints beyond JSON's range come back as numbers from json.dump; compare loosely there
    const { big, ...restTorch } = torchView!.values as Record<string, unknown>;
    const { big: ourBig, ...restOurs } = ours.values;
    expect(restTorch).toEqual(restOurs);
    expect(BigInt(big as number)).toBe(2n ** 70n);
    expect(ourBig).toBe((2n ** 70n).toString());
  });
});

suite.skipIf(skipTorch)('files torch writes load identically here', () => {
  for (const seed of [1, 2]) {
    it(`random content (seed ${seed}), zip and legacy formats, pickle protocols 2 and 4`, async () => {
      const sub = join(dir, `gen${seed}`);
      const { mkdirSync } = await import('node:fs');
      mkdirSync(sub);
      const expected = torchHelper<TorchView[]>('generate', sub, String(seed));
      for (const e of expected) {
        const { value, format } = await loadTorchDetailed(join(sub, e.file!));
        expect(format).toBe(e.file!.includes('legacy') ? 'legacy' : 'zip');
        const ours = jsView(value);
        expect(ours.tensors).toEqual(e.tensors);
        expect(Object.keys(ours.tensors)).toEqual(Object.keys(e.tensors));
        expect(ours.values).toEqual(e.values);
        expect(ours.types).toEqual(e.types);
        // views that stay contiguous share memory, as the storage they came from
        const sharedGroup = e.storages.find((g) => g.includes('shared/0'));
        expect(ours.storages).toContainEqual(sharedGroup);
      }
    });
  }

  it('round trip: torch file → our load → our save → torch.load gives the same', async () => {
    const sub = join(dir, 'rt');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(sub);
    const [zipped] = torchHelper<TorchView[]>('generate', sub, '3');
    const value = await loadTorch(join(sub, 'random.pth.tar'));
    await saveTorch(join(sub, 'again.pth'), value);
    const [again] = torchHelper<TorchView[]>('describe', join(sub, 'again.pth'));
    expect(again!.tensors).toEqual(zipped!.tensors);
    expect(again!.values).toEqual(zipped!.values);
    expect(again!.types).toEqual(zipped!.types);
  });
});
