// A fixed set of worker threads running batch jobs. Workers are referenced only while they have work,
// so a loader that is never closed does not keep the process alive.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BatchJob } from './batch.js';
import { DataError, ImageDecodeError } from './errors.js';
import type { TransformSpec } from './pipeline.js';
import type { WorkerReply, WorkerRequest } from './worker.js';

interface Pending {
  resolve(images: Float32Array): void;
  reject(err: Error): void;
}

interface Slot {
  readonly worker: Worker;
  readonly pending: Map<number, Pending>;
}

// From dist/ the worker is plain JS. When this package runs from its TypeScript sources (tests, or a
// sibling package's tests via the "@hawq-ts/source" condition) worker.ts is loaded through tsx, registered
// by a small eval'd bootstrap (Node 20 ignores `--import` loader hooks for a worker's own entry file).
function startWorker(spec: TransformSpec): Worker {
  const here = import.meta.url;
  const options = { workerData: { spec } };
  if (!here.endsWith('.ts')) return new Worker(new URL('./worker.js', here), options);
  const tsx = pathToFileURL(createRequire(here).resolve('tsx/esm/api')).href;
  const entry = new URL('./worker.ts', here).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(boot, { ...options, eval: true });
}

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private nextId = 0;
  private closed = false;

  constructor(size: number, spec: TransformSpec) {
    for (let i = 0; i < size; i++) {
      const worker = startWorker(spec);
      const slot: Slot = { worker, pending: new Map() };
      worker.on('message', (reply: WorkerReply) => this.settle(slot, reply));
      worker.on('error', (err) => this.failAll(slot, err));
      worker.on('exit', (code) => {
        if (!this.closed) this.failAll(slot, new Error(`data worker exited with code ${code}`));
      });
      worker.unref();
      this.slots.push(slot);
    }
  }

  /** Runs a batch on the least busy worker. */
  run(job: BatchJob): Promise<Float32Array> {
    if (this.closed) return Promise.reject(new Error('the data loader was closed'));
    const slot = this.slots.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.ref();
      slot.worker.postMessage({ id, paths: job.paths, seeds: job.seeds } satisfies WorkerRequest);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    for (const s of this.slots) this.failAll(s, new Error('the data loader was closed'));
  }

  private settle(slot: Slot, reply: WorkerReply): void {
    const p = slot.pending.get(reply.id);
    if (!p) return;
    slot.pending.delete(reply.id);
    if (slot.pending.size === 0) slot.worker.unref();
    if ('images' in reply) p.resolve(reply.images);
    else p.reject(reviveError(reply.error));
  }

  private failAll(slot: Slot, err: Error): void {
    for (const p of slot.pending.values()) p.reject(err);
    slot.pending.clear();
    slot.worker.unref();
  }
}

// Errors cross the thread boundary as plain data; give decode errors back their class.
function reviveError(e: { name: string; message: string; path?: string }): Error {
  if (e.name === 'ImageDecodeError' && e.path) {
    const err = new ImageDecodeError(e.path, '');
    err.message = e.message;
    return err;
  }
  if (e.path !== undefined) return new DataError(e.message, e.path);
  const err = new Error(e.message);
  err.name = e.name;
  return err;
}
