import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTorch, loadTorchBuffer, saveTorchBuffer, Tensor } from '../src/index.js';
import { FileSource } from '../src/source.js';

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
});
