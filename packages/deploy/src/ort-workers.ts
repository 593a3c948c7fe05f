// ORT sessions in worker threads. onnxruntime-node runs every session.run of one JS thread one after
// another (two in-process sessions of 1 thread each give one core's throughput: 52.8 against 105
// img/s on two workers, exact ResNet18 batch 8, `pnpm bench deploy-profile`), so sessions that
// must compute at the same time need a thread of their own. The worker's code is a string evaluated by Node (not a file next to this module)
// so that it runs the same from src (vitest) and from the bundled dist; it does nothing but host one
// session and pass typed arrays back and forth (transferred, not copied, on the way back).
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type * as ort from 'onnxruntime-node';
import { RuntimeError } from './errors.js';

export type OutputArray = Float32Array | Int32Array;

// Written to run both as a CommonJS script and as an ES module (a worker inherits the parent's
// flags, e.g. --input-type=module): built-ins via process.getBuiltinModule, ORT via import().
const WORKER_SOURCE = `
const { parentPort, workerData } = process.getBuiltinModule('node:worker_threads');
const firstLine = (e) => String((e && e.message) || e).split('\\n')[0];
(async () => {
  const loaded = await import(workerData.ortUrl);
  const ort = loaded.InferenceSession ? loaded : loaded.default;
  let session;
  try {
    session = await ort.InferenceSession.create(workerData.model, workerData.options);
  } catch (e) {
    parentPort.postMessage({ type: 'error', message: firstLine(e) });
    return;
  }
  parentPort.on('message', async (msg) => {
    if (msg.type === 'release') {
      await session.release();
      parentPort.postMessage({ type: 'released' });
      return;
    }
    try {
      const res = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', msg.input, msg.shape) });
      const outputs = [];
      for (const name of session.outputNames) {
        const d = res[name].data;
        const copy = d instanceof Float32Array || d instanceof Int32Array ? d.slice() : Float32Array.from(d);
        res[name].dispose();
        outputs.push([name, copy]);
      }
      parentPort.postMessage({ type: 'result', outputs }, outputs.map(([, d]) => d.buffer));
    } catch (e) {
      parentPort.postMessage({ type: 'error', message: firstLine(e) });
    }
  });
  parentPort.postMessage({ type: 'ready' });
})();
`;

type Reply =
  | { type: 'ready' }
  | { type: 'released' }
  | { type: 'error'; message: string }
  | { type: 'result'; outputs: Array<[string, OutputArray]> };

/** One worker thread hosting one ORT session; requests are queued and answered one at a time. */
export class WorkerSession {
  private pending: { resolve: (r: Reply) => void; reject: (e: Error) => void } | undefined;
  private failure: Error | undefined;
  /** The last queued request (settled or not): the next one starts after it. */
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly worker: Worker,
    private readonly source: string,
  ) {
    worker.on('message', (r: Reply) => {
      const p = this.pending;
      this.pending = undefined;
      // an idle worker must not keep the process alive (a runner that is never disposed)
      worker.unref();
      p?.resolve(r);
    });
    const fail = (e: Error) => {
      this.failure = new RuntimeError(`${source}: onnxruntime worker thread failed: ${e.message}`);
      const p = this.pending;
      this.pending = undefined;
      p?.reject(this.failure);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (this.pending) fail(new Error(`it exited with code ${code}`));
    });
  }

  private request(msg: unknown, transfer: ArrayBuffer[] = []): Promise<Reply> {
    const next = this.tail.then(() => {
      if (this.failure) throw this.failure;
      return new Promise<Reply>((resolve, reject) => {
        this.pending = { resolve, reject };
        this.worker.ref();
        if (msg !== undefined) this.worker.postMessage(msg, transfer);
      });
    });
    this.tail = next.catch(() => undefined);
    return next;
  }

  /** Start a worker and load the model in it (a copy of the bytes, or the file path). */
  static async create(
    model: Uint8Array | string,
    options: ort.InferenceSession.SessionOptions,
    source: string,
  ): Promise<WorkerSession> {
    const ortUrl = pathToFileURL(createRequire(import.meta.url).resolve('onnxruntime-node')).href;
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { ortUrl, model, options },
    });
    const ws = new WorkerSession(worker, source);
    const ready = await ws.request(undefined);
    if (ready.type !== 'ready') {
      await worker.terminate();
      throw new RuntimeError(
        `${source}: onnxruntime could not load the model: ${ready.type === 'error' ? ready.message : ready.type}`,
      );
    }
    return ws;
  }

  /** session.run on a float32 NCHW chunk (the input is copied to the worker). */
  async run(input: Float32Array, shape: readonly number[]): Promise<Map<string, OutputArray>> {
    const copy = input.slice();
    const r = await this.request({ type: 'run', input: copy, shape: [...shape] }, [copy.buffer]);
    if (r.type === 'error')
      throw new RuntimeError(
        `${this.source}: onnxruntime failed on input [${shape.join(',')}]: ${r.message}`,
      );
    if (r.type !== 'result')
      throw new RuntimeError(`${this.source}: unexpected worker reply '${r.type}'`);
    return new Map(r.outputs);
  }

  async release(): Promise<void> {
    if (!this.failure) await this.request({ type: 'release' }).catch(() => undefined);
    await this.worker.terminate();
  }
}
