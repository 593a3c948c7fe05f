// The idx format of MNIST and Fashion-MNIST (yann.lecun.com/exdb/mnist): a big-endian header
// 0x00 0x00 TYPE NDIMS, NDIMS uint32 sizes, then the values. Files may be gzip-compressed.
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { DataError, IdxFormatError } from './errors.js';

export type IdxData =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Float32Array
  | Float64Array;

/** An idx array: `shape` and the values in C order. */
export interface IdxArray {
  readonly shape: readonly number[];
  readonly data: IdxData;
}

const TYPES: Record<number, { name: string; bytes: number }> = {
  8: { name: 'ubyte', bytes: 1 },
  9: { name: 'byte', bytes: 1 },
  11: { name: 'short', bytes: 2 },
  12: { name: 'int', bytes: 4 },
  13: { name: 'float', bytes: 4 },
  14: { name: 'double', bytes: 8 },
};

/** Reads an idx file, raw or gzip-compressed (detected by its magic bytes, not its name). */
export async function readIdxFile(path: string): Promise<IdxArray> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new DataError(
      `cannot read idx file ${path}: ${(err as NodeJS.ErrnoException).code ?? err}`,
      path,
    );
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (err) {
      throw new IdxFormatError(path, `corrupt gzip stream (${(err as Error).message})`);
    }
  }
  return parseIdx(bytes, path);
}

/** Parses idx bytes; `path` only names the source in errors. */
export function parseIdx(bytes: Uint8Array, path = '<buffer>'): IdxArray {
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) {
    throw new IdxFormatError(path, 'missing the 00 00 magic (not an idx file)');
  }
  const type = TYPES[bytes[2]!];
  if (!type) throw new IdxFormatError(path, `unknown element type 0x${bytes[2]!.toString(16)}`);
  const ndims = bytes[3]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const header = 4 + 4 * ndims;
  if (bytes.length < header)
    throw new IdxFormatError(path, `truncated header (${ndims} dimensions)`);
  const shape = Array.from({ length: ndims }, (_, i) => view.getUint32(4 + 4 * i));
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = header + count * type.bytes;
  if (bytes.length !== expected) {
    throw new IdxFormatError(
      path,
      `${bytes.length} bytes, expected ${expected} for ${type.name} [${shape.join(', ')}]`,
    );
  }
  return { shape, data: readValues(view, header, count, bytes[2]!) };
}

function readValues(view: DataView, at: number, n: number, type: number): IdxData {
  switch (type) {
    case 0x08:
      return new Uint8Array(view.buffer.slice(view.byteOffset + at, view.byteOffset + at + n));
    case 0x09:
      return new Int8Array(view.buffer.slice(view.byteOffset + at, view.byteOffset + at + n));
    case 0x0b:
      return Int16Array.from({ length: n }, (_, i) => view.getInt16(at + 2 * i));
    case 0x0c:
      return Int32Array.from({ length: n }, (_, i) => view.getInt32(at + 4 * i));
    case 0x0d:
      return Float32Array.from({ length: n }, (_, i) => view.getFloat32(at + 4 * i));
    default:
      return Float64Array.from({ length: n }, (_, i) => view.getFloat64(at + 8 * i));
  }
}
