import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTorch, loadTorchBuffer, saveTorchBuffer, Tensor } from '../src/index.js';
import { FileSource } from '../src/source.js';
import { zipChunks } from '../src/zip/write.js';
import { tensorPickle, torchZip } from './craft.js';

const dir = mkdtempSync(join(tmpdir(), 'ckpt-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fileOf(name: string, bytes: Uint8Array): string {
  const file = join(dir, name);
  writeFileSync(file, bytes);
  return file;
}

describe('file reader', () => {
  it('gives every storage its own right-sized, aligned buffer (no copy, no whole-file buffer)', async () => {
    const big = Tensor.fromFloat32(
      [256, 64],
      Float32Array.from({ length: 256 * 64 }, (_, i) => i),
    );
    const small = Tensor.fromInt64([3], BigInt64Array.of(1n, -2n, 3n));
    const bytes = saveTorchBuffer(
      new Map<string, Tensor>([
        ['big', big],
        ['small', small],
      ]),
    );
    const loaded = (await loadTorch(fileOf('two.pth', bytes))) as Map<string, Tensor>;
    const b = loaded.get('big')!;
    const s = loaded.get('small')!;
    expect([...b.data]).toEqual([...big.data]);
    expect([...s.data]).toEqual([1n, -2n, 3n]);
    // the big storage's buffer holds its record (local header + data), not the file
    const record = b.data.buffer.byteLength;
    expect(record).toBeGreaterThanOrEqual(b.data.byteLength);
    expect(record).toBeLessThan(b.data.byteLength + 256);
    expect(b.data.byteOffset % 4).toBe(0);
    expect(s.data.byteOffset % 8).toBe(0);
    expect(s.data.buffer).not.toBe(b.data.buffer);
  });

  it('reads archives with more records than one preadv call takes (1,024 buffers)', async () => {
    const list = Array.from({ length: 1500 }, (_, i) =>
      Tensor.fromFloat32([2], Float32Array.of(i, -i)),
    );
    const bytes = saveTorchBuffer(list);
    const fromFile = (await loadTorch(fileOf('many.pth', bytes))) as Tensor[];
    const inMemory = loadTorchBuffer(bytes, 'many.pth') as Tensor[];
    expect(fromFile).toHaveLength(1500);
    for (let i = 0; i < 1500; i++) {
      expect([...fromFile[i]!.data]).toEqual([i, -i]);
      expect([...inMemory[i]!.data]).toEqual([i, -i]);
    }
  });

  it('readSpans fills contiguous ranges exactly and refuses gaps', () => {
    const bytes = Uint8Array.from({ length: 5000 }, (_, i) => i % 251);
    const src = new FileSource(fileOf('spans.bin', bytes));
    try {
      const cuts = [3, 10, 11, 4100, 4999];
      const spans = cuts.slice(0, -1).map((start, i) => ({ start, end: cuts[i + 1]! }));
      const out = src.readSpans(spans);
      spans.forEach(({ start, end }, i) => {
        expect([...out[i]!]).toEqual([...bytes.subarray(start, end)]);
        // each buffer keeps its file offset's alignment modulo 8
        expect(out[i]!.byteOffset % 8).toBe(start % 8);
      });
      expect(() =>
        src.readSpans([
          { start: 0, end: 2 },
          { start: 3, end: 4 },
        ]),
      ).toThrow(/contiguous/);
      expect(() => src.readSpans([{ start: 4990, end: 5010 }])).toThrow(/past the end/);
    } finally {
      src.close();
    }
  });

  it('readSpansParallel fills the same buffers as readSpans, in any number of parts', async () => {
    const bytes = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 7) % 253);
    const file = fileOf('parallel.bin', bytes);
    // 1,500 spans (more than one preadv takes), an empty one, uneven sizes
    const cuts = [5, 5, ...Array.from({ length: 1500 }, (_, i) => 6 + i * 150), 250_000, 299_999];
    const spans = cuts.slice(0, -1).map((start, i) => ({ start, end: cuts[i + 1]! }));
    for (const parts of [1, 2, 3, 7]) {
      const src = new FileSource(file);
      try {
        const out = await src.readSpansParallel(spans, parts);
        expect(out).toHaveLength(spans.length);
        spans.forEach(({ start, end }, i) => {
          expect(out[i]!.length).toBe(end - start);
          expect(Buffer.from(out[i]!).equals(Buffer.from(bytes.subarray(start, end)))).toBe(true);
          expect(out[i]!.byteOffset % 8).toBe(start % 8);
        });
      } finally {
        src.close();
      }
    }
    // the file shrinks after it was opened: the part read on the thread pool reports it, and
    // every part has settled when the error arrives
    const src = new FileSource(file);
    try {
      truncateSync(file, 200_000);
      await expect(src.readSpansParallel(spans, 2)).rejects.toThrow(/file shrank/);
    } finally {
      src.close();
    }
  });

  it('loads a checkpoint big enough to be read in parallel parts', async () => {
    // 24 MiB of storages: read in up to three 8 MiB parts (as many as the machine has cores)
    const tensors = new Map<string, Tensor>();
    for (let k = 0; k < 6; k++) {
      const data = Float32Array.from({ length: 2 ** 20 }, (_, i) => k * 2 ** 20 + i);
      tensors.set(`layer${k}.weight`, Tensor.fromFloat32([1024, 1024], data));
    }
    const bytes = saveTorchBuffer(tensors);
    const loaded = (await loadTorch(fileOf('big.pth', bytes))) as Map<string, Tensor>;
    expect([...loaded.keys()]).toEqual([...tensors.keys()]);
    for (const [k, t] of tensors) {
      const got = loaded.get(k)!;
      expect(Buffer.from(got.bytes()).equals(Buffer.from(t.bytes()))).toBe(true);
    }
  });

  it('loads archives whose records are not laid out like torch writes them', async () => {
    const t = Tensor.fromFloat32(
      [3, 4],
      Float32Array.from({ length: 12 }, (_, i) => i - 5.5),
    );
    const torchLike = saveTorchBuffer(new Map([['w', t]]));
    // Python's zipfile: no FB padding, so every record's data sits elsewhere
    const input = fileOf('torch-like.pth', torchLike);
    const out = join(dir, 'rezipped.pth');
    const r = spawnSync('python3', [
      '-c',
      `import sys, zipfile
src = zipfile.ZipFile(sys.argv[1])
with zipfile.ZipFile(sys.argv[2], 'w', zipfile.ZIP_STORED) as dst:
    for info in src.infolist():
        dst.writestr(info.filename, src.read(info))`,
      input,
      out,
    ]);
    expect(r.status, String(r.stderr)).toBe(0);
    const loaded = (await loadTorch(out)) as Map<string, Tensor>;
    expect([...loaded.get('w')!.data]).toEqual([...t.data]);
  });

  it('loads from a file storages that must be copied (big-endian, strided)', async () => {
    const be = new Uint8Array(8);
    new DataView(be.buffer).setFloat32(0, 1.5, false);
    new DataView(be.buffer).setFloat32(4, -3, false);
    const bigEndian = Buffer.concat(
      zipChunks([
        { name: 'x/data.pkl', data: tensorPickle({ numel: 2, size: [2], stride: [1] }) },
        { name: 'x/byteorder', data: new TextEncoder().encode('big') },
        { name: 'x/data/0', data: be },
        { name: 'x/.data/version', data: new TextEncoder().encode('3\n') },
      ]),
    );
    expect([...((await loadTorch(fileOf('be.pth', bigEndian))) as Tensor).data]).toEqual([1.5, -3]);
    // a transposed 2×3 view of a 6-element storage: gathered into C order
    const strided = torchZip(tensorPickle({ numel: 6, size: [3, 2], stride: [1, 3] }), {
      '0': new Uint8Array(Float32Array.of(0, 1, 2, 3, 4, 5).buffer),
    });
    expect([...((await loadTorch(fileOf('t.pth', strided))) as Tensor).data]).toEqual([
      0, 3, 1, 4, 2, 5,
    ]);
  });
});
