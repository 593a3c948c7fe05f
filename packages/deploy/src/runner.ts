// Run exported ONNX models with onnxruntime-node: CPU by default, any execution provider the local
// runtime ships (e.g. 'webgpu', 'cuda'), batching over the first axis, and intra-op thread control.
import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import { RuntimeError } from './errors.js';
import { type OutputArray, WorkerSession } from './ort-workers.js';

export type { OutputArray } from './ort-workers.js';

export interface RunnerOptions {
  /** e.g. ['cpu'] (default), ['webgpu', 'cpu'], ['cuda', 'cpu']. */
  executionProviders?: string[];
  /** Threads in all (default: the machine's available parallelism). */
  intraOpThreads?: number;
  /** Images per session.run (default 32); runOptionsFor(engine) gives each engine's fastest chunking. */
  batchSize?: number;
  /**
   * Worker threads that run the chunks of a multi-chunk batch concurrently (default 1: no workers),
   * each with its own session of intraOpThreads/workers threads. A batch of one chunk always runs
   * in the calling thread's session with every thread. ORT's Round, Cast, Slice and Concat kernels
   * are single-threaded, so the `exact` graph keeps two cores busier as two 1-thread sessions
   * (the weights are loaded once more per worker, when the first multi-chunk batch arrives).
   */
  workers?: number;
}

export interface RunResult {
  logits: Float32Array;
  /** Every graph output (concatenated over batches), by name. */
  outputs: Map<string, OutputArray>;
}

export class OrtRunner {
  private disposed = false;
  private pool: Promise<WorkerSession[]> | undefined;

  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly model: Uint8Array | string,
    private readonly opts: Required<
      Pick<RunnerOptions, 'intraOpThreads' | 'batchSize' | 'workers'>
    > &
      Pick<RunnerOptions, 'executionProviders'>,
    readonly source: string,
  ) {}

  /** Load an ONNX model from bytes or a file path. */
  static async create(model: Uint8Array | string, opts: RunnerOptions = {}): Promise<OrtRunner> {
    const source = typeof model === 'string' ? model : 'ONNX model';
    const threads = opts.intraOpThreads ?? availableParallelism();
    const workers = opts.workers ?? 1;
    for (const [flag, v] of [
      ['intraOpThreads', threads],
      ['workers', workers],
      ['batchSize', opts.batchSize ?? 32],
    ] as const)
      if (!Number.isInteger(v) || v < 1)
        throw new RuntimeError(`${source}: ${flag} must be a positive integer, got ${v}`);
    let session: ort.InferenceSession;
    try {
      session =
        typeof model === 'string'
          ? await ort.InferenceSession.create(model, sessionOptions(opts, threads))
          : await ort.InferenceSession.create(model, sessionOptions(opts, threads));
    } catch (e) {
      throw new RuntimeError(
        `${source}: onnxruntime could not load the model: ${(e as Error).message.split('\n')[0]}`,
      );
    }
    return new OrtRunner(
      session,
      model,
      { ...opts, intraOpThreads: threads, batchSize: opts.batchSize ?? 32, workers },
      source,
    );
  }

  get outputNames(): readonly string[] {
    return this.session.outputNames;
  }

  private workerSessions(): Promise<WorkerSession[]> {
    if (!this.pool) {
      const threads = Math.max(1, Math.floor(this.opts.intraOpThreads / this.opts.workers));
      // no spinning: each worker's pool would spin against the other worker's compute
      const so = sessionOptions(this.opts, threads, false);
      const created = Array.from({ length: this.opts.workers }, () =>
        WorkerSession.create(this.model, so, this.source),
      );
      this.pool = Promise.allSettled(created).then(async (all) => {
        const ok = all.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
        const bad = all.find((r) => r.status === 'rejected');
        if (bad) {
          await Promise.all(ok.map((w) => w.release()));
          throw bad.reason;
        }
        return ok;
      });
    }
    return this.pool;
  }

  /** Run a float32 NCHW batch [N,C,H,W]; splits it into chunks of `batchSize`. */
  async run(input: Float32Array, shape: readonly number[]): Promise<RunResult> {
    if (this.disposed) throw new RuntimeError(`${this.source}: runner was disposed`);
    if (shape.length !== 4)
      throw new RuntimeError(`${this.source}: input must be NCHW, got shape [${shape.join(',')}]`);
    const [n, c, h, w] = shape as [number, number, number, number];
    if (input.length !== n * c * h * w)
      throw new RuntimeError(
        `${this.source}: input has ${input.length} values, shape [${shape.join(',')}] needs ${n * c * h * w}`,
      );
    const per = c * h * w;
    const size = this.opts.batchSize;
    const starts: number[] = [];
    for (let b0 = 0; b0 < n; b0 += size) starts.push(b0);
    const chunk = (b0: number) => {
      const nb = Math.min(size, n - b0);
      return [input.subarray(b0 * per, (b0 + nb) * per), [nb, c, h, w]] as const;
    };
    const runners: Array<
      (x: Float32Array, s: readonly number[]) => Promise<Map<string, OutputArray>>
    > =
      starts.length > 1 && this.opts.workers > 1
        ? (await this.workerSessions()).map((ws) => (x, s) => ws.run(x, s))
        : [(x, s) => this.runInProcess(x, s)];
    // results[i]: chunk i's outputs by name; each session takes the next chunk until none is left
    const results: Array<Map<string, OutputArray>> = [];
    let next = 0;
    await Promise.all(
      runners.map(async (runChunk) => {
        while (next < starts.length) {
          const i = next++;
          results[i] = await runChunk(...chunk(starts[i] as number));
        }
      }),
    );
    const chunks = new Map<string, OutputArray[]>();
    for (const r of results) {
      for (const [name, arr] of r) {
        const list = chunks.get(name) ?? [];
        list.push(arr);
        chunks.set(name, list);
      }
    }
    const outputs = new Map<string, OutputArray>();
    for (const [name, list] of chunks) outputs.set(name, concat(list));
    const logits = outputs.get('logits') ?? outputs.get(this.session.outputNames[0] as string);
    if (!(logits instanceof Float32Array))
      throw new RuntimeError(`${this.source}: model has no float32 'logits' output`);
    return { logits, outputs };
  }

  private async runInProcess(
    x: Float32Array,
    shape: readonly number[],
  ): Promise<Map<string, OutputArray>> {
    const session = this.session;
    const feed = {
      [session.inputNames[0] as string]: new ort.Tensor('float32', x, [...shape]),
    };
    let res: ort.InferenceSession.ReturnType;
    try {
      res = await session.run(feed);
    } catch (e) {
      throw new RuntimeError(
        `${this.source}: onnxruntime failed on input [${shape.join(',')}]: ${(e as Error).message.split('\n')[0]}`,
      );
    }
    const out = new Map<string, OutputArray>();
    for (const name of session.outputNames) {
      const t = res[name] as ort.Tensor;
      const data = t.data;
      out.set(
        name,
        data instanceof Float32Array || data instanceof Int32Array
          ? data.slice()
          : Float32Array.from(data as ArrayLike<number>),
      );
      t.dispose();
    }
    return out;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.session.release();
    const pool = await this.pool?.catch(() => []);
    if (pool) await Promise.all(pool.map((w) => w.release()));
  }
}

function sessionOptions(
  opts: RunnerOptions,
  threads: number,
  spinning = true,
): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: opts.executionProviders ?? ['cpu'],
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3, // errors only: ORT warns about symbolic output shapes it merges leniently
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    ...(spinning ? {} : { extra: { session: { 'intra_op.allow_spinning': '0' } } }),
  };
}

function concat(list: OutputArray[]): OutputArray {
  if (list.length === 1) return list[0] as OutputArray;
  const total = list.reduce((a, b) => a + b.length, 0);
  const out = list[0] instanceof Int32Array ? new Int32Array(total) : new Float32Array(total);
  let off = 0;
  for (const a of list) {
    out.set(a, off);
    off += a.length;
  }
  return out;
}

/** Convenience: load, run once, dispose. */
export async function runOnnx(
  model: Uint8Array | string,
  input: Float32Array,
  shape: readonly number[],
  opts: RunnerOptions = {},
): Promise<RunResult> {
  const r = await OrtRunner.create(model, opts);
  try {
    return await r.run(input, shape);
  } finally {
    await r.dispose();
  }
}
