import { CheckpointError, FormatError, withFileContext, withFileContextAsync } from './errors.js';
import { isLegacy, loadLegacyCheckpoint } from './legacy.js';
import type { CheckpointFormat, LoadOptions } from './options.js';
import type { PyValue } from './pyvalue.js';
import { type ByteSource, bufferSource, FileSource } from './source.js';
import { isZip } from './zip/read.js';
import { loadZipCheckpoint, loadZipCheckpointFile } from './zip/torch-archive.js';

export interface LoadedCheckpoint {
  value: PyValue;
  format: CheckpointFormat;
}

/** Reads a torch.save file (zip or legacy format) with torch.load's semantics, minus code execution. */
export async function loadTorch(file: string, opts?: LoadOptions): Promise<PyValue> {
  return (await loadTorchDetailed(file, opts)).value;
}

/**
 * Like loadTorch, also telling which container format the file uses. A zip checkpoint's records
 * each get their own buffer, filled by a few preadv calls — big files in parallel parts, one on
 * this thread and the others on libuv's thread pool (see zip/records.ts); legacy files are read
 * whole.
 */
export async function loadTorchDetailed(
  file: string,
  opts?: LoadOptions,
): Promise<LoadedCheckpoint> {
  let src: FileSource;
  try {
    src = new FileSource(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : String(err);
    throw new CheckpointError(file, `cannot read checkpoint: ${why}`, { cause: err });
  }
  try {
    return await withFileContextAsync(file, () => loadFile(src, opts));
  } finally {
    src.close();
  }
}

async function loadFile(src: FileSource, opts?: LoadOptions): Promise<LoadedCheckpoint> {
  if (src.size > 0 && isZip(src.read(0, Math.min(4, src.size), 'file header'))) {
    return { value: (await loadZipCheckpointFile(src, opts)).value, format: 'zip' };
  }
  return loadFrom(src, opts);
}

/** Reads a checkpoint held in memory; `name` is used in error messages. Tensors may view `bytes`. */
export function loadTorchBuffer(bytes: Uint8Array, name: string, opts?: LoadOptions): PyValue {
  return loadTorchBufferDetailed(bytes, name, opts).value;
}

export function loadTorchBufferDetailed(
  bytes: Uint8Array,
  name: string,
  opts?: LoadOptions,
): LoadedCheckpoint {
  return withFileContext(name, () => loadFrom(bufferSource(bytes), opts));
}

function loadFrom(src: ByteSource | FileSource, opts?: LoadOptions): LoadedCheckpoint {
  if (src.size === 0) throw new FormatError('file is empty');
  const head = src.read(0, Math.min(4, src.size), 'file header');
  if (isZip(head)) return { value: loadZipCheckpoint(src, opts).value, format: 'zip' };
  if (isLegacy(head)) {
    const all = src instanceof FileSource ? src.readAll() : src.read(0, src.size, 'file');
    return { value: loadLegacyCheckpoint(all, opts), format: 'legacy' };
  }
  throw new FormatError(
    'not a PyTorch checkpoint (neither a torch.save zip archive nor the legacy magic number)',
  );
}
