// Worker-thread entry: runs batches for the DataLoader one at a time, in arrival order.
import { parentPort, workerData } from 'node:worker_threads';
import sharp from 'sharp';
import { type BatchJob, runBatch } from './batch.js';
import { DataError } from './errors.js';
import { compileTransform, type TransformSpec } from './pipeline.js';

/** Request from the pool. */
export interface WorkerRequest extends BatchJob {
  readonly id: number;
}

/** Reply to the pool: the batch, or the error (typed errors keep their class name and path). */
export type WorkerReply =
  | { readonly id: number; readonly images: Float32Array }
  | { readonly id: number; readonly error: { name: string; message: string; path?: string } };

const port = parentPort;
if (!port) throw new Error('worker.ts must run in a worker thread');
// Every file is decoded once: libvips' operation cache would only hold memory.
sharp.cache(false);
const transform = compileTransform((workerData as { spec: TransformSpec }).spec);
let queue: Promise<void> = Promise.resolve();

port.on('message', (req: WorkerRequest) => {
  queue = queue.then(async () => {
    try {
      const images = await runBatch(req, transform);
      port.postMessage({ id: req.id, images } satisfies WorkerReply, [
        images.buffer as ArrayBuffer,
      ]);
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      const path = e instanceof DataError ? e.path : undefined;
      port.postMessage({
        id: req.id,
        error: { name: e.name, message: e.message, path },
      } satisfies WorkerReply);
    }
  });
});
