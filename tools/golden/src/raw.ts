// Headerless little-endian arrays (*.f32, *.i64, *.i32, *.i16, *.i8) described by the manifest.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GoldenCaseError } from './errors.js';

export type RawArray =
  | Float32Array
  | Float64Array
  | Int32Array
  | Int16Array
  | Int8Array
  | BigInt64Array;

const BY_DTYPE: Record<string, { size: number; read: (b: ArrayBuffer) => RawArray }> = {
  float32: { size: 4, read: (b) => new Float32Array(b) },
  float64: { size: 8, read: (b) => new Float64Array(b) },
  int64: { size: 8, read: (b) => new BigInt64Array(b) },
  int32: { size: 4, read: (b) => new Int32Array(b) },
  int16: { size: 2, read: (b) => new Int16Array(b) },
  int8: { size: 1, read: (b) => new Int8Array(b) },
};

/** Read a raw array and check its byte size against dtype × shape. */
export async function readRaw(
  dir: string,
  file: string,
  dtype: string,
  shape: readonly number[],
): Promise<RawArray> {
  const spec = BY_DTYPE[dtype];
  if (!spec) throw new GoldenCaseError(`${join(dir, file)}: unsupported dtype ${dtype}`);
  let bytes: Buffer;
  try {
    bytes = await readFile(join(dir, file));
  } catch {
    throw new GoldenCaseError(`${join(dir, file)}: not found`);
  }
  const n = shape.reduce((a, b) => a * b, 1);
  if (bytes.byteLength !== n * spec.size) {
    throw new GoldenCaseError(
      `${join(dir, file)}: ${bytes.byteLength} bytes, but ${dtype} [${shape}] needs ${n * spec.size}`,
    );
  }
  // copy into an aligned buffer (Buffer slices may start at odd offsets)
  const buf = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(buf).set(bytes);
  return spec.read(buf);
}

export function toNumbers(a: RawArray): Float64Array {
  return a instanceof BigInt64Array ? Float64Array.from(a, (v) => Number(v)) : Float64Array.from(a);
}
