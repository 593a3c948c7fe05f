// Run exported ONNX models with onnxruntime-node: CPU by default, any execution provider the local
// runtime ships (e.g. 'webgpu', 'cuda'), batching over the first axis, and intra-op thread control.
import * as ort from 'onnxruntime-node';
import { RuntimeError } from './errors.js';

export interface RunnerOptions {
  /** e.g. ['cpu'] (default), ['webgpu', 'cpu'], ['cuda', 'cpu']. */
  executionProviders?: string[];
  /** ORT intra-op threads (default: ORT's choice). */
  intraOpThreads?: number;
  /** Images per session.run (default 32); RUN_BATCH gives each engine's fastest chunk size. */
  batchSize?: number;
  /**
   * Sessions running chunks concurrently (default 1), each with `intraOpThreads` threads. ORT's
   * Round, Cast, Slice and Pad kernels are single-threaded, so for batches of several chunks two
   * 1-thread sessions use two cores better than one 2-thread session (weights are loaded twice).
   */
  sessions?: number;
}

export type OutputArray = Float32Array | Int32Array;

export interface RunResult {
  logits: Float32Array;
  /** Every graph output (concatenated over batches), by name. */
  outputs: Map<string, OutputArray>;
}

export class OrtRunner {
  private disposed = false;

  private constructor(
    private readonly sessions: ort.InferenceSession[],
    private readonly batchSize: number,
    readonly source: string,
  ) {}

  private get session(): ort.InferenceSession {
    return this.sessions[0] as ort.InferenceSession;
  }

  /** Load an ONNX model from bytes or a file path. */
  static async create(model: Uint8Array | string, opts: RunnerOptions = {}): Promise<OrtRunner> {
    const source = typeof model === 'string' ? model : 'ONNX model';
    const so: ort.InferenceSession.SessionOptions = {
      executionProviders: opts.executionProviders ?? ['cpu'],
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3, // errors only: ORT warns about symbolic output shapes it merges leniently
      ...(opts.intraOpThreads
        ? { intraOpNumThreads: opts.intraOpThreads, interOpNumThreads: 1 }
        : {}),
    };
    const count = opts.sessions ?? 1;
    if (!Number.isInteger(count) || count < 1)
      throw new RuntimeError(`${source}: sessions must be a positive integer, got ${count}`);
    const sessions: ort.InferenceSession[] = [];
    try {
      for (let i = 0; i < count; i++)
        sessions.push(
          typeof model === 'string'
            ? await ort.InferenceSession.create(model, so)
            : await ort.InferenceSession.create(model, so),
        );
      return new OrtRunner(sessions, opts.batchSize ?? 32, source);
    } catch (e) {
      for (const s of sessions) await s.release();
      throw new RuntimeError(
        `${source}: onnxruntime could not load the model: ${(e as Error).message.split('\n')[0]}`,
      );
    }
  }

  get outputNames(): readonly string[] {
    return this.session.outputNames;
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
    const starts: number[] = [];
    for (let b0 = 0; b0 < n; b0 += this.batchSize) starts.push(b0);
    // results[i]: chunk i's outputs by name; each session takes the next chunk until none is left
    const results: Array<Map<string, OutputArray>> = [];
    let next = 0;
    const worker = async (session: ort.InferenceSession) => {
      while (next < starts.length) {
        const i = next++;
        const b0 = starts[i] as number;
        results[i] = await this.runChunk(session, input, b0, Math.min(this.batchSize, n - b0), [
          c,
          h,
          w,
        ]);
      }
    };
    await Promise.all(this.sessions.map(worker));
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

  private async runChunk(
    session: ort.InferenceSession,
    input: Float32Array,
    b0: number,
    nb: number,
    [c, h, w]: [number, number, number],
  ): Promise<Map<string, OutputArray>> {
    const per = c * h * w;
    const feed = {
      [session.inputNames[0] as string]: new ort.Tensor(
        'float32',
        input.subarray(b0 * per, (b0 + nb) * per),
        [nb, c, h, w],
      ),
    };
    let res: ort.InferenceSession.ReturnType;
    try {
      res = await session.run(feed);
    } catch (e) {
      throw new RuntimeError(
        `${this.source}: onnxruntime failed on input [${nb},${c},${h},${w}]: ${(e as Error).message.split('\n')[0]}`,
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
    for (const s of this.sessions) await s.release();
  }
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
