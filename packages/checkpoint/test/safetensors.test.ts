import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it, describe as suite } from 'vitest';
import {
  CheckpointError,
  DTYPE_NAMES,
  describe,
  encodeSafetensors,
  readSafetensors,
  readSafetensorsBuffer,
  Tensor,
  writeSafetensors,
} from '../src/index.js';
import type { TorchView } from './structure.js';
import { skipTorch, torchHelper } from './torch-python.js';

const dir = mkdtempSync(join(tmpdir(), 'ckpt-st-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sample(): Map<string, Tensor> {
  const m = new Map<string, Tensor>();
  DTYPE_NAMES.forEach((d, i) => {
    const t = Tensor.zeros(d, [2, 3]);
    for (let j = 0; j < 6; j++)
      t.data[j] = (d === 'int64' ? BigInt(j * 7 - i) : d === 'bool' ? j % 2 : j + i) as never;
    m.set(`layer.${d}`, t);
  });
  m.set('scalar', Tensor.scalar('float32', 2.5));
  m.set('empty', Tensor.zeros('float32', [0, 4]));
  return m;
}

suite('safetensors', () => {
  it('reads the format as specified (hand-built file)', () => {
    const header =
      '{"test":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]},"__metadata__":{"foo":"bar"}}';
    const h = new TextEncoder().encode(header);
    const bytes = new Uint8Array(8 + h.length + 16);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(h.length), true);
    bytes.set(h, 8);
    new DataView(bytes.buffer).setInt32(8 + h.length + 12, -5, true);
    const { tensors, metadata } = readSafetensorsBuffer(bytes, 'spec.safetensors');
    expect(metadata).toEqual({ foo: 'bar' });
    const t = tensors.get('test')!;
    expect(t.dtype).toBe('int32');
    expect(t.shape).toEqual([2, 2]);
    expect([...t.data]).toEqual([0, 0, 0, -5]);
  });

  it('round-trips every dtype and metadata, aligned and atomically written', async () => {
    const file = join(dir, 'all.safetensors');
    const tensors = sample();
    await writeSafetensors(file, tensors, { format: 'pt', source: 'hawq-ts' });
    const back = await readSafetensors(file);
    expect(back.metadata).toEqual({ format: 'pt', source: 'hawq-ts' });
    expect([...back.tensors.keys()].sort()).toEqual([...tensors.keys()].sort());
    for (const [k, t] of tensors) expect(describe(back.tensors.get(k)!)).toEqual(describe(t));
    // data section is 8-byte aligned, so 8-byte dtypes come back as zero-copy views
    const header = encodeSafetensors(tensors)[1]!;
    expect((8 + header.length) % 8).toBe(0);
  });

  it.skipIf(skipTorch)('an independent Python reader sees the same tensors', async () => {
    const file = join(dir, 'py.safetensors');
    const tensors = sample();
    await writeSafetensors(file, tensors, { k: 'v' });
    const py = torchHelper<TorchView & { metadata: Record<string, string> }>('safetensors', file);
    expect(py.metadata).toEqual({ k: 'v' });
    const ours = describe(tensors).tensors;
    expect(py.tensors).toEqual(
      Object.fromEntries(Object.keys(py.tensors).map((k) => [k, ours[k]])),
    );
    expect(Object.keys(py.tensors).sort()).toEqual(Object.keys(ours).sort());
  });

  const bad: [string, (b: Uint8Array) => Uint8Array, RegExp][] = [
    ['truncated header length', (b) => b.subarray(0, 5), /no header length/],
    ['header length beyond the file', (b) => b.subarray(0, 40), /exceeds the file/],
    [
      'truncated data',
      (b) => b.subarray(0, b.length - 3),
      /past the end|does not match|bytes after/,
    ],
    ['trailing bytes', (b) => Buffer.concat([b, new Uint8Array(4)]), /bytes after the last tensor/],
    [
      'garbage header',
      (b) => {
        const c = new Uint8Array(b);
        c[8] = 0x7b;
        c[9] = 0xff;
        return c;
      },
      /not valid UTF-8 JSON/,
    ],
  ];
  for (const [what, mutate, message] of bad) {
    it(`rejects ${what} with a one-line error naming the file`, () => {
      const good = Buffer.concat(encodeSafetensors(sample()));
      let err: unknown;
      try {
        readSafetensorsBuffer(mutate(good), 'bad.safetensors');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(CheckpointError);
      expect((err as Error).message).toMatch(/^bad\.safetensors: /);
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).not.toContain('\n');
    });
  }

  it('rejects an unknown dtype by name', () => {
    const h = new TextEncoder().encode(
      '{"x":{"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]}}',
    );
    const bytes = new Uint8Array(8 + h.length + 1);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(h.length), true);
    bytes.set(h, 8);
    expect(() => readSafetensorsBuffer(bytes, 'f8.safetensors')).toThrow(
      /unsupported dtype F8_E4M3/,
    );
  });

  it('a failed write leaves the previous file intact and no temp file', async () => {
    const sub = mkdtempSync(join(dir, 'atomic-'));
    const file = join(sub, 'x.safetensors');
    writeFileSync(file, 'old');
    const bad = new Map([['__metadata__', Tensor.scalar('float32', 1)]]);
    await expect(writeSafetensors(file, bad)).rejects.toThrow(/^.*x\.safetensors: cannot save/);
    await expect(writeSafetensors(join(sub, 'no-dir', 'y.safetensors'), sample())).rejects.toThrow(
      CheckpointError,
    );
    expect(readFileSync(file, 'utf8')).toBe('old');
    expect(readdirSync(sub)).toEqual(['x.safetensors']);
  });
});
