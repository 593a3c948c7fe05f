// Decoding and transforming one batch: the unit of work a worker thread (or the main thread) runs.
import { decodeImageFile } from './decode.js';
import type { RgbImage } from './image.js';
import { applyTransform, type CompiledTransform } from './pipeline.js';
import { Rng } from './rng.js';

/** What a batch needs: files in batch order and, for random transforms, one seed per image. */
export interface BatchJob {
  readonly paths: readonly string[];
  readonly seeds: readonly number[];
}

/**
 * Returns the batch as one NCHW float32 array. Decoding runs on sharp's thread pool, so the next
 * image is decoded while this thread resamples the current one.
 */
export async function runBatch(job: BatchJob, t: CompiledTransform): Promise<Float32Array> {
  const n = job.paths.length;
  const out = new Float32Array(n * t.floats);
  let next: Promise<RgbImage> | undefined = n > 0 ? decodeImageFile(job.paths[0]!) : undefined;
  for (let i = 0; i < n; i++) {
    const current = next!;
    next = i + 1 < n ? decodeImageFile(job.paths[i + 1]!) : undefined;
    // Keep a rejected look-ahead from surfacing as unhandled if the current image fails first.
    next?.catch(() => {});
    const img = await current;
    const rng = t.spec.kind === 'train' ? new Rng(job.seeds[i]!) : undefined;
    applyTransform(img, t, rng, out, i * t.floats);
  }
  return out;
}
