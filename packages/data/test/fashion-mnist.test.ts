import { existsSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  convertFashionMnist,
  DataLoader,
  DestinationExistsError,
  decodeImageFile,
  FASHION_MNIST_DIR,
  FASHION_MNIST_FOLDERS,
  type FashionMnistSplit,
  readFashionMnist,
  scanImageNetSplit,
} from '../src/index.js';
import { tempDir } from './helpers.js';

describe.skipIf(!existsSync(FASHION_MNIST_DIR))('Fashion-MNIST to ImageNet layout', () => {
  let parent: string;
  let dest: string;
  let test: FashionMnistSplit;
  beforeAll(async () => {
    parent = await tempDir();
    dest = join(parent, 'fmnist');
    test = await readFashionMnist('test');
  });

  it('writes train/ and val/ class folders whose sorted order is the label order', async () => {
    const progress: number[] = [];
    const r = await convertFashionMnist({ dest, perClass: 4, onProgress: (d) => progress.push(d) });
    expect(r).toEqual({ dest, train: 40, val: 40, reused: false });
    expect(progress.at(-1)).toBe(80);
    expect(await readdir(parent)).toEqual(['fmnist']); // no temporary folder left behind
    expect(FASHION_MNIST_FOLDERS).toEqual([
      '0-t-shirt-top',
      '1-trouser',
      '2-pullover',
      '3-dress',
      '4-coat',
      '5-sandal',
      '6-shirt',
      '7-sneaker',
      '8-bag',
      '9-ankle-boot',
    ]);
    const val = await scanImageNetSplit(dest, 'val');
    expect(val.classes).toEqual(FASHION_MNIST_FOLDERS);
    expect(val.samples).toHaveLength(40);
    // Each class folder holds the first 4 test images with that label, named by their index.
    for (const s of val.samples) expect(test.labels[Number(s.path.slice(-9, -4))]).toBe(s.label);
    for (let c = 0; c < 10; c++) expect(val.samples.filter((s) => s.label === c)).toHaveLength(4);
    expect((await scanImageNetSplit(dest, 'train')).samples).toHaveLength(40);
  });

  it('stores the pixels losslessly (grey PNG, read back as R=G=B)', async () => {
    const file = join(dest, 'val', FASHION_MNIST_FOLDERS[test.labels[0]!]!, '00000.png');
    const img = await decodeImageFile(file);
    expect([img.width, img.height]).toEqual([28, 28]);
    const grey = Uint8Array.from({ length: 784 }, (_, i) => img.data[i * 3]!);
    expect(Buffer.compare(grey, test.images.subarray(0, 784))).toBe(0);
    expect(img.data.every((v, i) => v === img.data[i - (i % 3)])).toBe(true);
  });

  it('feeds the DataLoader at 28×28 without resampling', async () => {
    const val = await scanImageNetSplit(dest, 'val');
    const loader = new DataLoader(val.samples, {
      batchSize: 40,
      workers: 0,
      transform: { kind: 'eval', resize: 28, crop: 28 },
    });
    for await (const b of loader) {
      expect(b.shape).toEqual([40, 3, 28, 28]);
      expect(b.images.every(Number.isFinite)).toBe(true);
    }
  });

  it('reuses an identical conversion and refuses to overwrite anything else', async () => {
    expect((await convertFashionMnist({ dest, perClass: 4 })).reused).toBe(true);
    await expect(convertFashionMnist({ dest, perClass: 5 })).rejects.toThrow(
      DestinationExistsError,
    );
    const other = join(parent, 'occupied');
    await mkdir(other);
    await expect(convertFashionMnist({ dest: other, perClass: 1 })).rejects.toThrow(other);
  });
});
