import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  FASHION_MNIST_DIR,
  IdxFormatError,
  parseIdx,
  readFashionMnist,
  readIdxFile,
} from '../src/index.js';
import { tempDir } from './helpers.js';

function idx(
  type: number,
  shape: number[],
  body: number[],
  bytesPer: number,
  write: (v: DataView, o: number, x: number) => void,
) {
  const head = 4 + 4 * shape.length;
  const buf = new Uint8Array(head + body.length * bytesPer);
  const v = new DataView(buf.buffer);
  buf[2] = type;
  buf[3] = shape.length;
  for (const [i, s] of shape.entries()) v.setUint32(4 + 4 * i, s);
  for (const [i, x] of body.entries()) write(v, head + i * bytesPer, x);
  return buf;
}

describe('idx reader', () => {
  it('parses big-endian headers and every element type', () => {
    const u8 = parseIdx(
      idx(0x08, [2, 3], [0, 1, 2, 253, 254, 255], 1, (v, o, x) => v.setUint8(o, x)),
    );
    expect(u8.shape).toEqual([2, 3]);
    expect([...u8.data]).toEqual([0, 1, 2, 253, 254, 255]);
    const i16 = parseIdx(idx(0x0b, [2], [-2, 300], 2, (v, o, x) => v.setInt16(o, x)));
    expect(i16.data).toBeInstanceOf(Int16Array);
    expect([...i16.data]).toEqual([-2, 300]);
    const f64 = parseIdx(idx(0x0e, [1], [0.1], 8, (v, o, x) => v.setFloat64(o, x)));
    expect([...f64.data]).toEqual([0.1]);
  });

  it('rejects bad magic, unknown types and wrong lengths with the file name', async () => {
    expect(() => parseIdx(new Uint8Array([1, 0, 8, 1]), 'f.idx')).toThrow(/f\.idx.*magic/);
    expect(() => parseIdx(new Uint8Array([0, 0, 7, 0]), 'f.idx')).toThrow(
      /unknown element type 0x7/,
    );
    const short = idx(0x08, [4], [1, 2, 3, 4], 1, (v, o, x) => v.setUint8(o, x)).subarray(0, 9);
    expect(() => parseIdx(short, 'f.idx')).toThrow(IdxFormatError);
    const dir = await tempDir();
    const gz = join(dir, 'x.gz');
    await writeFile(gz, gzipSync(idx(0x08, [1], [7], 1, (v, o, x) => v.setUint8(o, x))));
    expect([...(await readIdxFile(gz)).data]).toEqual([7]);
    await writeFile(gz, Buffer.from([0x1f, 0x8b, 1, 2, 3]));
    await expect(readIdxFile(gz)).rejects.toThrow(/corrupt gzip/);
  });
});

describe.skipIf(!existsSync(FASHION_MNIST_DIR))("Debian's Fashion-MNIST", () => {
  it('reads both splits with 10 balanced classes', async () => {
    const [train, test] = [await readFashionMnist('train'), await readFashionMnist('test')];
    expect([train.count, train.rows, train.cols, train.images.length]).toEqual([
      60000,
      28,
      28,
      60000 * 784,
    ]);
    expect([test.count, test.images.length]).toEqual([10000, 10000 * 784]);
    const perClass = (l: Uint8Array) =>
      Array.from({ length: 10 }, (_, c) => l.filter((x) => x === c).length);
    expect(perClass(train.labels)).toEqual(new Array(10).fill(6000));
    expect(perClass(test.labels)).toEqual(new Array(10).fill(1000));
    // The first training image is an ankle boot; the first test image too (the published samples).
    expect([train.labels[0], test.labels[0]]).toEqual([9, 9]);
  });

  it('names the missing idx file', async () => {
    await expect(readFashionMnist('test', await tempDir())).rejects.toThrow(
      /t10k-images-idx3-ubyte\.gz.*apt-get/,
    );
  });
});
