import { basename } from 'node:path';
import { writeFileAtomic } from './atomic.js';
import { CheckpointError } from './errors.js';
import { pickleProtocol2 } from './pickle/write.js';
import type { PyValue } from './pyvalue.js';
import { StoragePlan } from './storage-plan.js';
import { zipChunks } from './zip/write.js';

/** torch.save's archive folder: the file name without its last extension ("archive" if none). */
export function archiveNameFor(file: string): string {
  const base = basename(file);
  const dot = base.lastIndexOf('.');
  const stem = dot > 0 ? base.slice(0, dot) : base;
  return stem || 'archive';
}

/**
 * The zip (torch >= 1.6) serialization of `value` as chunks in file order; tensor data is not
 * copied. Records: data.pkl, data/<key> in sorted key order, version — as torch 1.13 writes them.
 */
export function encodeTorch(value: PyValue, archiveName = 'archive'): Uint8Array[] {
  const plan = new StoragePlan(value);
  const pkl = pickleProtocol2(value, plan.place);
  const storages = plan.records().sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return zipChunks([
    { name: `${archiveName}/data.pkl`, data: pkl },
    ...storages.map((s) => ({ name: `${archiveName}/data/${s.key}`, data: s.data })),
    { name: `${archiveName}/version`, data: new TextEncoder().encode('3\n') },
  ]);
}

/** In-memory torch.save (one contiguous copy). */
export function saveTorchBuffer(value: PyValue, archiveName = 'archive'): Uint8Array {
  return Buffer.concat(encodeTorch(value, archiveName));
}

/** torch.save(value, file) in the zip format, written atomically (temp file + rename). */
export async function saveTorch(file: string, value: PyValue): Promise<void> {
  let chunks: Uint8Array[];
  try {
    chunks = encodeTorch(value, archiveNameFor(file));
  } catch (err) {
    throw new CheckpointError(file, `cannot save: ${(err as Error).message}`, { cause: err });
  }
  try {
    await writeFileAtomic(file, chunks);
  } catch (err) {
    throw new CheckpointError(file, `cannot write: ${(err as Error).message}`, { cause: err });
  }
}
