import { FormatError } from './errors.js';

/** PyTorch dtype names without the `torch.` prefix. */
export type DType =
  | 'float32'
  | 'float64'
  | 'float16'
  | 'bfloat16'
  | 'int64'
  | 'int32'
  | 'int16'
  | 'int8'
  | 'uint8'
  | 'bool';

/** float16/bfloat16 keep their raw bits in a Uint16Array; bool is one byte per element. */
export type TensorData =
  | Float32Array
  | Float64Array
  | Uint16Array
  | BigInt64Array
  | Int32Array
  | Int16Array
  | Int8Array
  | Uint8Array;

type TypedArrayCtor = {
  new (length: number): TensorData;
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): TensorData;
  readonly BYTES_PER_ELEMENT: number;
};

interface DTypeInfo {
  readonly itemsize: number;
  readonly array: TypedArrayCtor;
  /** torch storage class name (torch.FloatStorage …) */
  readonly storage: string;
  /** safetensors dtype code */
  readonly safetensors: string;
}

export const DTYPES: Readonly<Record<DType, DTypeInfo>> = {
  float32: { itemsize: 4, array: Float32Array, storage: 'FloatStorage', safetensors: 'F32' },
  float64: { itemsize: 8, array: Float64Array, storage: 'DoubleStorage', safetensors: 'F64' },
  float16: { itemsize: 2, array: Uint16Array, storage: 'HalfStorage', safetensors: 'F16' },
  bfloat16: { itemsize: 2, array: Uint16Array, storage: 'BFloat16Storage', safetensors: 'BF16' },
  int64: { itemsize: 8, array: BigInt64Array, storage: 'LongStorage', safetensors: 'I64' },
  int32: { itemsize: 4, array: Int32Array, storage: 'IntStorage', safetensors: 'I32' },
  int16: { itemsize: 2, array: Int16Array, storage: 'ShortStorage', safetensors: 'I16' },
  int8: { itemsize: 1, array: Int8Array, storage: 'CharStorage', safetensors: 'I8' },
  uint8: { itemsize: 1, array: Uint8Array, storage: 'ByteStorage', safetensors: 'U8' },
  bool: { itemsize: 1, array: Uint8Array, storage: 'BoolStorage', safetensors: 'BOOL' },
};

export const DTYPE_NAMES = Object.keys(DTYPES) as DType[];

export function isDType(name: string): name is DType {
  return Object.hasOwn(DTYPES, name);
}

export function itemsize(dtype: DType): number {
  return DTYPES[dtype].itemsize;
}

const BY_STORAGE = new Map(DTYPE_NAMES.map((d) => [DTYPES[d].storage, d]));
const BY_SAFETENSORS = new Map(DTYPE_NAMES.map((d) => [DTYPES[d].safetensors, d]));

/** `FloatStorage` → float32; undefined for names that are not typed storage classes. */
export function dtypeOfStorageName(name: string): DType | undefined {
  return BY_STORAGE.get(name);
}

export function dtypeOfSafetensorsCode(code: string): DType | undefined {
  return BY_SAFETENSORS.get(code);
}

export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Typed array over `bytes` (in the file's byte order). Zero-copy when the host is little-endian,
 * the start is aligned to the element size and the file is little-endian; otherwise one aligned copy.
 */
export function typedArrayOf(dtype: DType, bytes: Uint8Array, bigEndian = false): TensorData {
  const { itemsize: size, array } = DTYPES[dtype];
  if (bytes.byteLength % size !== 0) {
    throw new FormatError(`${bytes.byteLength} bytes is not a whole number of ${dtype} elements`);
  }
  const length = bytes.byteLength / size;
  const needSwap = size > 1 && bigEndian === HOST_LITTLE_ENDIAN;
  if (!needSwap && bytes.byteOffset % size === 0) {
    return new array(bytes.buffer, bytes.byteOffset, length);
  }
  const copy = new Uint8Array(bytes); // not .slice(): on a Buffer that is a view, not a copy
  if (needSwap) byteswap(copy, size);
  return new array(copy.buffer, 0, length);
}

/** Reverses the byte order of every `size`-byte element in place. */
export function byteswap(bytes: Uint8Array, size: number): void {
  for (let i = 0; i + size <= bytes.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = bytes[a]!;
      bytes[a] = bytes[b]!;
      bytes[b] = t;
    }
  }
}

/** Little-endian bytes of a typed array (a view on little-endian hosts). */
export function littleEndianBytes(data: TensorData): Uint8Array {
  const view = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (HOST_LITTLE_ENDIAN || data.BYTES_PER_ELEMENT === 1) return view;
  const copy = new Uint8Array(view);
  byteswap(copy, data.BYTES_PER_ELEMENT);
  return copy;
}
