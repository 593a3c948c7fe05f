// The results JSON the tables app reads. Written atomically (temp file + rename) so a reader
// never sees half a file.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { EngineName } from './engines.js';
import type { EvalResult } from './evaluate.js';

export interface EvalResultsFile {
  /** arch as given (e.g. resnet50) or a zoo model name */
  model: string;
  /** bit-config key or zoo scheme, e.g. uniform8, bops_0.5, fp32 */
  scheme: string;
  checkpoint: string | null;
  checkpointSha256: string | null;
  /** dataset root and split, e.g. /data/imagenet/val */
  dataset: string;
  count: number;
  top1: number;
  top5: number;
  engine: EngineName;
  /** wall-clock seconds of the evaluation loop */
  time: number;
  imagesPerSecond: number;
  perClass: EvalResult['perClass'];
  /** ISO date of the run */
  date: string;
  inputSize: number;
  batchSize: number;
}

export function resultsFile(
  r: EvalResult,
  meta: Omit<
    EvalResultsFile,
    'count' | 'top1' | 'top5' | 'time' | 'imagesPerSecond' | 'perClass' | 'date'
  >,
): EvalResultsFile {
  return {
    ...meta,
    count: r.count,
    top1: r.top1,
    top5: r.top5,
    time: r.seconds,
    imagesPerSecond: r.imagesPerSecond,
    perClass: r.perClass,
    date: new Date().toISOString(),
  };
}

export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`);
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

export async function sha256OfFile(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}
