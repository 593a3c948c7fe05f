import { type DType, itemsize, type TensorData, typedArrayOf } from './dtype.js';
import { FormatError } from './errors.js';
import { keepShape } from './keep-shape.js';
import { Tensor } from './tensor.js';

/**
 * A torch storage referenced by a pickle's persistent id. `bytes` is null while the legacy
 * reader's first pass only learns which storages exist.
 */
export class TorchStorage {
  private elementsCache: TensorData | undefined;

  constructor(
    readonly key: string,
    readonly dtype: DType,
    readonly numel: number,
    readonly location: string,
    private readonly bytes: Uint8Array | null,
    private readonly bigEndian = false,
  ) {}

  get loaded(): boolean {
    return this.bytes !== null;
  }

  /** All elements as one typed array (zero-copy when aligned; misaligned storages are copied once). */
  elements(budget: CopyBudget): TensorData {
    if (this.elementsCache) return this.elementsCache;
    if (!this.bytes) throw new FormatError(`storage ${this.key} has no data`);
    const bytes = this.bytes.subarray(0, this.numel * itemsize(this.dtype));
    const arr = typedArrayOf(this.dtype, bytes, this.bigEndian);
    if (arr.buffer !== bytes.buffer) budget.take(bytes.byteLength, `storage ${this.key}`);
    this.elementsCache = arr;
    return arr;
  }

  /** A storage pickled on its own (torch.save(storage)) loads as a 1-D tensor. */
  asTensor(budget: CopyBudget): Tensor {
    return new Tensor(this.dtype, [this.numel], this.elements(budget));
  }
}

keepShape(new TorchStorage('', 'uint8', 0, 'cpu', new Uint8Array(0)));

/**
 * Bounds the bytes the reader may allocate beyond the file itself (misaligned or big-endian
 * storages, non-contiguous views): a hostile pickle can ask for a 2^40-element view of a 4-byte
 * storage through zero strides, and that must fail instead of exhausting memory.
 */
export class CopyBudget {
  constructor(public remaining: number) {}

  take(bytes: number, what: string): void {
    if (bytes > this.remaining) {
      throw new FormatError(
        `${what} needs ${bytes} bytes of copies, more than the ${this.remaining} allowed for this file (pass a larger maxCopyBytes if the file is trusted)`,
      );
    }
    this.remaining -= bytes;
  }
}

keepShape(new CopyBudget(0));

const MAX_DIMS = 64;

/**
 * torch._utils._rebuild_tensor: a view `(offset, size, stride)` of `storage`, materialized in
 * contiguous C order. Contiguous views share the storage's memory; others are gathered.
 */
export function rebuildTensor(
  storage: TorchStorage,
  offset: number,
  size: readonly number[],
  stride: readonly number[],
  budget: CopyBudget,
): Tensor | null {
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new FormatError(`tensor storage offset ${offset} is invalid`);
  }
  if (size.length !== stride.length || size.length > MAX_DIMS) {
    throw new FormatError(`tensor has ${size.length} sizes but ${stride.length} strides`);
  }
  let numel = 1;
  let last = offset;
  for (let i = 0; i < size.length; i++) {
    const s = size[i]!;
    const st = stride[i]!;
    if (!Number.isSafeInteger(s) || s < 0 || !Number.isSafeInteger(st) || st < 0) {
      throw new FormatError(`tensor size [${size}] / stride [${stride}] is invalid`);
    }
    numel *= s;
    last += (s - 1) * st;
  }
  if (!Number.isSafeInteger(numel)) throw new FormatError(`tensor size [${size}] is absurd`);
  if (numel > 0 && (!Number.isSafeInteger(last) || last >= storage.numel)) {
    throw new FormatError(
      `tensor of size [${size}] stride [${stride}] at offset ${offset} reads past the end of storage ${storage.key} (${storage.numel} elements)`,
    );
  }
  if (!storage.loaded) return null;
  const all = storage.elements(budget);
  if (numel === 0) return new Tensor(storage.dtype, size, all.subarray(0, 0));
  if (isContiguous(size, stride)) {
    return new Tensor(storage.dtype, size, all.subarray(offset, offset + numel));
  }
  budget.take(numel * itemsize(storage.dtype), `non-contiguous tensor of size [${size}]`);
  return new Tensor(storage.dtype, size, gather(all, offset, size, stride, numel));
}

function isContiguous(size: readonly number[], stride: readonly number[]): boolean {
  let expected = 1;
  for (let i = size.length - 1; i >= 0; i--) {
    if (size[i] === 1) continue;
    if (stride[i] !== expected) return false;
    expected *= size[i]!;
  }
  return true;
}

/** Copies a strided view into a new C-order array with an odometer over the indices. */
function gather(
  src: TensorData,
  offset: number,
  size: readonly number[],
  stride: readonly number[],
  numel: number,
): TensorData {
  const out = new (src.constructor as new (n: number) => TensorData)(numel);
  const nd = size.length;
  const index = new Array<number>(nd).fill(0);
  let pos = offset;
  for (let i = 0; i < numel; i++) {
    out[i] = src[pos] as never;
    for (let d = nd - 1; d >= 0; d--) {
      index[d]!++;
      pos += stride[d]!;
      if (index[d]! < size[d]!) break;
      pos -= stride[d]! * size[d]!;
      index[d] = 0;
    }
  }
  return out;
}
