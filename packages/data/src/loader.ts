// A torch.utils.data.DataLoader for image folders: batches of NCHW float32 produced by worker threads
// ahead of time (bounded), in an order and with augmentations fixed by the seed alone, so the result
// does not depend on the number of workers and an epoch can be resumed at any batch.
import { randomBytes } from 'node:crypto';
import { type BatchJob, runBatch } from './batch.js';
import { DataOptionError } from './errors.js';
import type { Sample } from './folder.js';
import { type CompiledTransform, compileTransform, type TransformSpec } from './pipeline.js';
import { WorkerPool } from './pool.js';
import { Rng } from './rng.js';

const SHUFFLE_STREAM = 0x5f1e;
const AUGMENT_STREAM = 0xa06;

export interface DataLoaderOptions {
  readonly batchSize: number;
  readonly transform: TransformSpec;
  /** Reshuffle every epoch (a permutation drawn from seed and epoch). Default false. */
  readonly shuffle?: boolean;
  /** Drop the last incomplete batch. Default false. */
  readonly dropLast?: boolean;
  /** Worker threads; 0 decodes on the calling thread. Default 2. */
  readonly workers?: number;
  /** Batches decoded ahead of the consumer (in flight or ready). Default 2 per worker, at least 2. */
  readonly prefetch?: number;
  /** Seed of shuffling and augmentation. Default: a random one, readable as `loader.seed`. */
  readonly seed?: number;
}

/** One batch: `images` is [size, 3, height, width] float32, `labels[i]` the class of image i. */
export interface Batch {
  readonly images: Float32Array;
  readonly labels: Int32Array;
  /** Positions of the images in the sample list given to the loader. */
  readonly indices: Int32Array;
  readonly shape: readonly [number, number, number, number];
  /** Index of this batch within its epoch. */
  readonly index: number;
}

export class DataLoader implements AsyncIterable<Batch> {
  readonly seed: number;
  readonly batchSize: number;
  private readonly samples: readonly Sample[];
  private readonly transform: CompiledTransform;
  private readonly opts: Required<Omit<DataLoaderOptions, 'seed' | 'transform'>>;
  private pool: WorkerPool | undefined;
  private epochCounter = 0;
  private ahead = 0;

  constructor(samples: readonly Sample[], options: DataLoaderOptions) {
    const { batchSize } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new DataOptionError('batch size', `${batchSize} is not a positive integer`);
    }
    const workers = options.workers ?? 2;
    if (!Number.isInteger(workers) || workers < 0) {
      throw new DataOptionError('workers', `${workers} is not a non-negative integer`);
    }
    const prefetch = options.prefetch ?? Math.max(2, 2 * workers);
    if (!Number.isInteger(prefetch) || prefetch < 1) {
      throw new DataOptionError('prefetch', `${prefetch} is not a positive integer`);
    }
    this.samples = samples;
    this.batchSize = batchSize;
    this.transform = compileTransform(options.transform);
    this.seed = options.seed ?? randomBytes(4).readUInt32LE(0);
    this.opts = {
      batchSize,
      shuffle: options.shuffle ?? false,
      dropLast: options.dropLast ?? false,
      workers,
      prefetch,
    };
  }

  /** Number of samples. */
  get size(): number {
    return this.samples.length;
  }

  /** Batches decoding or decoded ahead of the consumer in the latest iteration (≤ `prefetch`). */
  get queued(): number {
    return this.ahead;
  }

  /** Batches per epoch (`len(loader)` in PyTorch). */
  get length(): number {
    const n = this.samples.length / this.batchSize;
    return this.opts.dropLast ? Math.floor(n) : Math.ceil(n);
  }

  /** Iterates the next epoch (0, 1, 2… on successive loops). */
  [Symbol.asyncIterator](): AsyncIterator<Batch> {
    return this.epoch(this.epochCounter++);
  }

  /**
   * Iterates epoch `epoch`, starting at batch `startBatch` (to resume mid-epoch: the batches are the
   * same as in an uninterrupted run with the same seed).
   */
  async *epoch(epoch: number, startBatch = 0): AsyncGenerator<Batch, void, undefined> {
    if (!Number.isInteger(startBatch) || startBatch < 0) {
      throw new DataOptionError('start batch', `${startBatch} is not a non-negative integer`);
    }
    const { order, seeds } = this.plan(epoch);
    const total = this.length;
    const pending: Promise<Float32Array>[] = [];
    let scheduled = startBatch;
    // Keep `prefetch` batches in flight while the consumer works on the current one.
    const fill = () => {
      while (scheduled < total && pending.length < this.opts.prefetch) {
        const p = this.runJob(this.job(order, seeds, scheduled++));
        // Batches run ahead may fail before the consumer awaits them; the failure is rethrown then.
        p.catch(() => {});
        pending.push(p);
      }
      this.ahead = pending.length;
    };
    fill();
    for (let b = startBatch; b < total; b++) {
      const images = await pending.shift()!;
      fill();
      this.ahead = pending.length;
      const from = b * this.batchSize;
      const indices = order.slice(from, Math.min(from + this.batchSize, order.length));
      const labels = Int32Array.from(indices, (i) => this.samples[i]!.label);
      const side = this.transform.spec.crop;
      yield { images, labels, indices, shape: [indices.length, 3, side, side], index: b };
    }
  }

  /** Stops the worker threads. The loader cannot iterate afterwards. */
  async close(): Promise<void> {
    await this.pool?.close();
  }

  private plan(epoch: number): { order: Int32Array; seeds: Uint32Array | undefined } {
    const n = this.samples.length;
    const order = this.opts.shuffle
      ? new Rng(this.seed, SHUFFLE_STREAM, epoch).permutation(n)
      : Int32Array.from({ length: n }, (_, i) => i);
    // One seed per position, drawn in order: the augmentation of an image depends on seed, epoch and
    // position only, never on which worker decoded it.
    let seeds: Uint32Array | undefined;
    if (this.transform.spec.kind === 'train') {
      const rng = new Rng(this.seed, AUGMENT_STREAM, epoch);
      seeds = new Uint32Array(n);
      for (let i = 0; i < n; i++) seeds[i] = rng.uint32();
    }
    return { order, seeds };
  }

  private job(order: Int32Array, seeds: Uint32Array | undefined, batch: number): BatchJob {
    const from = batch * this.batchSize;
    const to = Math.min(from + this.batchSize, order.length);
    const paths: string[] = [];
    for (let i = from; i < to; i++) paths.push(this.samples[order[i]!]!.path);
    return { paths, seeds: seeds ? Array.from(seeds.subarray(from, to)) : [] };
  }

  private runJob(job: BatchJob): Promise<Float32Array> {
    if (this.opts.workers === 0) return runBatch(job, this.transform);
    this.pool ??= new WorkerPool(this.opts.workers, this.transform.spec);
    return this.pool.run(job);
  }
}
