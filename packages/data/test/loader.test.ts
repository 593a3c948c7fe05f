import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Batch,
  DataLoader,
  DataOptionError,
  ImageDecodeError,
  type ImageFolderListing,
  scanImageNetSplit,
  type TransformSpec,
} from '../src/index.js';
import { makeImageNet, tempDir } from './helpers.js';

const evalSpec: TransformSpec = { kind: 'eval', resize: 36, crop: 32 };
const trainSpec: TransformSpec = { kind: 'train', crop: 24 };

async function collect(it: AsyncIterable<Batch>): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of it) out.push(b);
  return out;
}

describe('DataLoader', () => {
  let root: string;
  let train: ImageFolderListing;
  const loaders: DataLoader[] = [];
  const make = (opts: ConstructorParameters<typeof DataLoader>[1], samples = train.samples) => {
    const l = new DataLoader(samples, opts);
    loaders.push(l);
    return l;
  };

  beforeAll(async () => {
    root = await tempDir();
    await makeImageNet(root, ['cat', 'dog', 'eel'], 4, ['train']);
    train = await scanImageNetSplit(root, 'train');
  });
  afterAll(async () => {
    await Promise.all(loaders.map((l) => l.close()));
  });

  it('yields NCHW float32 batches with labels in sample order', async () => {
    const batches = await collect(make({ batchSize: 5, transform: evalSpec, workers: 0 }));
    expect(batches.map((b) => b.shape)).toEqual([
      [5, 3, 32, 32],
      [5, 3, 32, 32],
      [2, 3, 32, 32],
    ]);
    expect(batches[2]!.images.length).toBe(2 * 3 * 32 * 32);
    expect(batches.flatMap((b) => [...b.labels])).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
    expect(batches.flatMap((b) => [...b.indices])).toEqual([...Array(12).keys()]);
  });

  it('drops the last incomplete batch with dropLast', async () => {
    const l = make({ batchSize: 5, transform: evalSpec, workers: 0, dropLast: true });
    expect(l.length).toBe(2);
    expect((await collect(l)).length).toBe(2);
  });

  it('gives the same batches with 0 and 2 workers, shuffled and augmented', async () => {
    const opts = { batchSize: 4, transform: trainSpec, shuffle: true, seed: 7 };
    const a = await collect(make({ ...opts, workers: 0 }).epoch(3));
    const b = await collect(make({ ...opts, workers: 2, prefetch: 2 }).epoch(3));
    expect(b.map((x) => [...x.indices])).toEqual(a.map((x) => [...x.indices]));
    for (let i = 0; i < a.length; i++) expect(b[i]!.images).toEqual(a[i]!.images);
  });

  it('reshuffles per epoch, reproducibly from the seed', async () => {
    const l = make({ batchSize: 12, transform: evalSpec, shuffle: true, seed: 1, workers: 0 });
    const [e0] = await collect(l);
    const [e1] = await collect(l);
    const [again] = await collect(
      make({ batchSize: 12, transform: evalSpec, shuffle: true, seed: 1, workers: 0 }),
    );
    expect([...e0!.indices].sort((x, y) => x - y)).toEqual([...Array(12).keys()]);
    expect([...e0!.indices]).not.toEqual([...e1!.indices]);
    expect([...again!.indices]).toEqual([...e0!.indices]);
  });

  it('resumes an epoch mid-way with the same batches', async () => {
    const opts = { batchSize: 3, transform: trainSpec, shuffle: true, seed: 99, workers: 0 };
    const full = await collect(make(opts).epoch(2));
    const tail = await collect(make(opts).epoch(2, 2));
    expect(tail.map((b) => b.index)).toEqual([2, 3]);
    expect(tail[0]!.images).toEqual(full[2]!.images);
    expect([...tail[1]!.labels]).toEqual([...full[3]!.labels]);
  });

  it('keeps at most `prefetch` batches ahead of a slow consumer', async () => {
    const l = make({ batchSize: 1, transform: evalSpec, workers: 1, prefetch: 3 });
    const it = l.epoch(0);
    await it.next();
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 50));
      expect(l.queued).toBe(3);
    }
    await it.return(undefined);
    const all = await collect(l.epoch(1));
    expect(all).toHaveLength(12);
    expect(l.queued).toBe(0);
  });

  it('reports an unreadable image from a worker with its path', async () => {
    const bad = join(root, 'broken.jpg');
    await writeFile(bad, 'not a jpeg');
    const samples = [...train.samples.slice(0, 3), { path: bad, label: 0 }];
    const l = make({ batchSize: 2, transform: evalSpec, workers: 1 }, samples);
    const err = await collect(l).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageDecodeError);
    expect((err as ImageDecodeError).path).toBe(bad);
    expect((err as Error).message).toContain(bad);
  });

  it('rejects invalid options', () => {
    expect(() => new DataLoader(train.samples, { batchSize: 0, transform: evalSpec })).toThrow(
      DataOptionError,
    );
    expect(
      () => new DataLoader(train.samples, { batchSize: 2, transform: evalSpec, workers: -1 }),
    ).toThrow(/workers/);
  });
});
