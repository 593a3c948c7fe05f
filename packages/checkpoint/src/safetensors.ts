import { writeFileAtomic } from './atomic.js';
import { DTYPES, dtypeOfSafetensorsCode, littleEndianBytes, typedArrayOf } from './dtype.js';
import { CheckpointError, FormatError, withFileContext } from './errors.js';
import { FileSource } from './source.js';
import { Tensor } from './tensor.js';

/** Largest JSON header we accept (the reference implementation's limit). */
const MAX_HEADER = 100_000_000;

export interface Safetensors {
  tensors: Map<string, Tensor>;
  metadata: Record<string, string>;
}

/**
 * Reads a .safetensors file: u64 LE header length, a JSON header {name: {dtype, shape,
 * data_offsets}, __metadata__?}, then the data. Tensors come back in file (offset) order and view
 * the file's bytes when aligned. The reference's rules are enforced: offsets must tile the data
 * section exactly, with no gaps, overlaps or trailing bytes.
 */
export async function readSafetensors(file: string): Promise<Safetensors> {
  let bytes: Uint8Array;
  try {
    const src = new FileSource(file);
    try {
      bytes = src.readAll();
    } finally {
      src.close();
    }
  } catch (err) {
    throw new CheckpointError(file, `cannot read: ${(err as NodeJS.ErrnoException).code ?? err}`, {
      cause: err,
    });
  }
  return readSafetensorsBuffer(bytes, file);
}

export function readSafetensorsBuffer(bytes: Uint8Array, name: string): Safetensors {
  return withFileContext(name, () => {
    if (bytes.length < 8) throw new FormatError('truncated safetensors file: no header length');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const n = view.getBigUint64(0, true);
    if (n > BigInt(Math.min(MAX_HEADER, bytes.length - 8))) {
      throw new FormatError(`safetensors header length ${n} exceeds the file or the 100 MB limit`);
    }
    const headerEnd = 8 + Number(n);
    let header: unknown;
    try {
      header = JSON.parse(
        new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, headerEnd)),
      );
    } catch {
      throw new FormatError('safetensors header is not valid UTF-8 JSON');
    }
    if (!isRecord(header)) throw new FormatError('safetensors header is not a JSON object');
    const metadata: Record<string, string> = {};
    const entries: { name: string; dtype: string; shape: number[]; begin: number; end: number }[] =
      [];
    for (const [key, info] of Object.entries(header)) {
      if (key === '__metadata__') {
        if (!isRecord(info)) throw new FormatError('__metadata__ must be an object of strings');
        for (const [mk, mv] of Object.entries(info)) {
          if (typeof mv !== 'string') throw new FormatError(`__metadata__.${mk} is not a string`);
          metadata[mk] = mv;
        }
        continue;
      }
      if (!isRecord(info)) throw new FormatError(`entry ${key} is not an object`);
      const { dtype, shape, data_offsets: offs } = info;
      if (typeof dtype !== 'string') throw new FormatError(`entry ${key} has no dtype`);
      if (!Array.isArray(shape) || !shape.every(isCount))
        throw new FormatError(`entry ${key} has a bad shape`);
      const [begin, end] = Array.isArray(offs) && offs.length === 2 ? offs : [];
      if (!isCount(begin) || !isCount(end) || begin > end) {
        throw new FormatError(`entry ${key} has bad data_offsets`);
      }
      entries.push({ name: key, dtype, shape, begin, end });
    }
    entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
    const dataLen = bytes.length - headerEnd;
    let expected = 0;
    const tensors = new Map<string, Tensor>();
    for (const e of entries) {
      const dtype = dtypeOfSafetensorsCode(e.dtype);
      if (!dtype) throw new FormatError(`tensor ${e.name} has unsupported dtype ${e.dtype}`);
      if (e.begin !== expected)
        throw new FormatError(`tensor ${e.name} does not start where the previous one ends`);
      const numel = e.shape.reduce((a, b) => a * b, 1);
      if (!Number.isSafeInteger(numel) || numel * DTYPES[dtype].itemsize !== e.end - e.begin) {
        throw new FormatError(
          `tensor ${e.name}: shape [${e.shape}] does not match its ${e.end - e.begin} bytes`,
        );
      }
      if (e.end > dataLen)
        throw new FormatError(`truncated: tensor ${e.name} extends past the end of the file`);
      const data = typedArrayOf(dtype, bytes.subarray(headerEnd + e.begin, headerEnd + e.end));
      tensors.set(e.name, new Tensor(dtype, e.shape, data));
      expected = e.end;
    }
    if (expected !== dataLen)
      throw new FormatError(`${dataLen - expected} bytes after the last tensor`);
    return { tensors, metadata };
  });
}

/**
 * Serializes like the reference implementation: tensors ordered by dtype alignment (largest
 * first) then name, header padded with spaces to a multiple of 8 so every tensor is aligned.
 */
export function encodeSafetensors(
  tensors: ReadonlyMap<string, Tensor>,
  metadata?: Record<string, string>,
): Uint8Array[] {
  const ordered = [...tensors].sort(
    ([a, ta], [b, tb]) =>
      DTYPES[tb.dtype].itemsize - DTYPES[ta.dtype].itemsize || (a < b ? -1 : a > b ? 1 : 0),
  );
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of ordered) {
    if (name === '__metadata__') throw new TypeError('a tensor cannot be named __metadata__');
    header[name] = {
      dtype: DTYPES[t.dtype].safetensors,
      shape: t.shape,
      data_offsets: [offset, offset + t.data.byteLength],
    };
    offset += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  const jsonLen = new TextEncoder().encode(json).length;
  json += ' '.repeat((8 - (jsonLen % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const len = new Uint8Array(8);
  new DataView(len.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  return [len, headerBytes, ...ordered.map(([, t]) => littleEndianBytes(t.data))];
}

/** Writes a .safetensors file atomically (temp file + rename). */
export async function writeSafetensors(
  file: string,
  tensors: ReadonlyMap<string, Tensor>,
  metadata?: Record<string, string>,
): Promise<void> {
  let chunks: Uint8Array[];
  try {
    chunks = encodeSafetensors(tensors, metadata);
  } catch (err) {
    throw new CheckpointError(file, `cannot save: ${(err as Error).message}`, { cause: err });
  }
  try {
    await writeFileAtomic(file, chunks);
  } catch (err) {
    throw new CheckpointError(file, `cannot write: ${(err as Error).message}`, { cause: err });
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}
