import { DTYPES, type DType, littleEndianBytes, type TensorData } from './dtype.js';
import { bfloat16ToFloat, floatToBfloat16, floatToHalf, halfToFloat } from './half.js';
import { keepShape } from './keep-shape.js';

/**
 * A dense tensor in contiguous C order. `data` may be a zero-copy view into the buffer a
 * checkpoint was read from (several tensors can view one storage); treat it as read-only unless
 * you made the tensor yourself.
 */
export class Tensor {
  readonly dtype: DType;
  readonly shape: number[];
  readonly data: TensorData;

  constructor(dtype: DType, shape: readonly number[], data: TensorData) {
    const info = DTYPES[dtype];
    if (!info) throw new TypeError(`unknown dtype ${String(dtype)}`);
    // A counted loop, not for-of + reduce(): the loader builds hundreds of tensors, and a closure
    // per call is one more thing V8's interpreter runs and its optimizer recompiles.
    let numel = 1;
    for (let i = 0; i < shape.length; i++) {
      const d = shape[i]!;
      if (!Number.isSafeInteger(d) || d < 0) throw new TypeError(`invalid shape [${shape}]`);
      numel *= d;
    }
    if (!(data instanceof info.array)) {
      throw new TypeError(
        `${dtype} data must be a ${info.array.name}, got ${data.constructor.name}`,
      );
    }
    if (data.length !== numel) {
      throw new TypeError(`shape [${shape}] needs ${numel} elements, data has ${data.length}`);
    }
    this.dtype = dtype;
    this.shape = [...shape];
    this.data = data;
  }

  get numel(): number {
    return this.data.length;
  }

  get ndim(): number {
    return this.shape.length;
  }

  /** Element values as float32 (a new array, except for float32 tensors which return `data`). */
  toFloat32(): Float32Array {
    if (this.data instanceof Float32Array) return this.data;
    return Float32Array.from(this.values());
  }

  /** Element values as float64 (always a new array); int64 beyond 2^53 loses precision. */
  toFloat64(): Float64Array {
    return Float64Array.from(this.values());
  }

  /** Element values as JS numbers, decoding float16/bfloat16 bits and int64 via Number(). */
  *values(): IterableIterator<number> {
    const { data } = this;
    const n = data.length;
    if (this.dtype === 'float16') for (let i = 0; i < n; i++) yield halfToFloat(data[i] as number);
    else if (this.dtype === 'bfloat16')
      for (let i = 0; i < n; i++) yield bfloat16ToFloat(data[i] as number);
    else if (data instanceof BigInt64Array) for (let i = 0; i < n; i++) yield Number(data[i]);
    else for (let i = 0; i < n; i++) yield data[i] as number;
  }

  /** The tensor's bytes as a contiguous little-endian array (what torch stores and hashes). */
  bytes(): Uint8Array {
    return littleEndianBytes(this.data);
  }

  /** Converts to another dtype with PyTorch's rules (round-to-nearest-even for halves, truncation toward zero for ints). */
  to(dtype: DType): Tensor {
    if (dtype === this.dtype) return this;
    return Tensor.fromNumbers(dtype, this.shape, this.values());
  }

  static zeros(dtype: DType, shape: readonly number[]): Tensor {
    const n = shape.reduce((a, b) => a * b, 1);
    return new Tensor(dtype, shape, new DTYPES[dtype].array(n));
  }

  static fromFloat32(shape: readonly number[], data: Float32Array): Tensor {
    return new Tensor('float32', shape, data);
  }

  static fromFloat64(shape: readonly number[], data: Float64Array): Tensor {
    return new Tensor('float64', shape, data);
  }

  static fromInt32(shape: readonly number[], data: Int32Array): Tensor {
    return new Tensor('int32', shape, data);
  }

  static fromInt64(shape: readonly number[], data: BigInt64Array): Tensor {
    return new Tensor('int64', shape, data);
  }

  /** Builds a tensor of any dtype from plain numbers (encoding halves and int64 as needed). */
  static fromNumbers(dtype: DType, shape: readonly number[], values: Iterable<number>): Tensor {
    const src = Array.isArray(values) ? (values as number[]) : [...values];
    const out = new DTYPES[dtype].array(src.length);
    for (let i = 0; i < src.length; i++) out[i] = encode(dtype, src[i]!) as never;
    return new Tensor(dtype, shape, out);
  }

  /** A 0-dim tensor, e.g. HAWQ's `best_acc1`. */
  static scalar(dtype: DType, value: number): Tensor {
    return Tensor.fromNumbers(dtype, [], [value]);
  }
}

keepShape(new Tensor('float32', [1], new Float32Array(1)));

function encode(dtype: DType, v: number): number | bigint {
  switch (dtype) {
    case 'float16':
      return floatToHalf(v);
    case 'bfloat16':
      return floatToBfloat16(v);
    case 'int64':
      return BigInt(Number.isFinite(v) ? Math.trunc(v) : 0);
    case 'bool':
      return v ? 1 : 0;
    case 'float32':
    case 'float64':
      return v;
    default:
      return Math.trunc(v);
  }
}
