import { type DType, itemsize } from './dtype.js';
import { FormatError } from './errors.js';
import { defaultCopyBudget, type LoadOptions } from './options.js';
import type { Arg } from './pickle/globals.js';
import { unpickle } from './pickle/vm.js';
import type { PyValue } from './pyvalue.js';
import { CopyBudget, TorchStorage } from './storage.js';
import { parseStoragePid, sameStorage } from './zip/torch-archive.js';

const MAGIC = 0x1950a86a20f9469cfc6cn;
const PROTOCOL_VERSION = 1001;

/** A legacy file opens with a pickle (PROTO 2 by default, any protocol with pickle_protocol=). */
export function isLegacy(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x80 && bytes[1]! >= 2 && bytes[1]! <= 5;
}

interface RootInfo {
  dtype: DType;
  numel: number;
  location: string;
}

/**
 * The pre-1.6 format (`_use_new_zipfile_serialization=False`): pickles of the magic number, the
 * protocol version and sys info, then the main pickle, then a pickled list of storage keys and
 * the storages themselves (int64 element count + raw bytes each). Storage sizes come from the
 * main pickle, so it is run twice: once to learn the storages, once to build the tensors.
 */
export function loadLegacyCheckpoint(bytes: Uint8Array, opts?: LoadOptions): PyValue {
  const noStorage = (): never => {
    throw new FormatError('unexpected persistent id in the legacy header');
  };
  const budget = new CopyBudget(defaultCopyBudget(bytes.length, opts));
  const header = { persistentLoad: noStorage, budget };
  const magic = unpickle(bytes, 0, header);
  if (magic.value !== MAGIC)
    throw new FormatError('invalid magic number; not a PyTorch checkpoint');
  const proto = unpickle(bytes, magic.end, header);
  if (proto.value !== PROTOCOL_VERSION) {
    throw new FormatError(`unsupported legacy protocol version ${String(proto.value)}`);
  }
  const sys = unpickle(bytes, proto.end, header);
  const littleEndian = !(sys.value instanceof Map) || sys.value.get('little_endian') !== false;
  const mainStart = sys.end;

  // Pass 1: which storages exist, with their dtype and size.
  const roots = new Map<string, RootInfo>();
  const learn = (pid: Arg): TorchStorage => {
    const p = parseStoragePid(pid, 6);
    const known = roots.get(p.key);
    if (known && (known.dtype !== p.dtype || known.numel !== p.numel)) {
      throw new FormatError(`storage ${p.key} is referenced with two different types or sizes`);
    }
    roots.set(p.key, { dtype: p.dtype, numel: p.numel, location: p.location });
    const v = p.view;
    if (v && v.offset + v.numel > p.numel)
      throw new FormatError(`storage view ${v.key} is out of bounds`);
    return new TorchStorage(v?.key ?? p.key, p.dtype, v?.numel ?? p.numel, p.location, null);
  };
  const main = unpickle(bytes, mainStart, { persistentLoad: learn, budget });
  const keysPickle = unpickle(bytes, main.end, header);
  const keys = keysPickle.value;
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string')) {
    throw new FormatError('legacy storage key list is not a list of strings');
  }

  // The storages follow back to back, in the order of the key list.
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const data = new Map<string, Uint8Array>();
  let p = keysPickle.end;
  for (const key of keys as string[]) {
    const root = roots.get(key);
    if (!root) throw new FormatError(`storage ${key} is listed but never used`);
    if (p + 8 > bytes.length) throw new FormatError(`truncated: storage ${key} is missing`);
    const count = view.getBigInt64(p, littleEndian);
    if (count !== BigInt(root.numel)) {
      throw new FormatError(
        `storage ${key} holds ${count} elements, the pickle says ${root.numel}`,
      );
    }
    const n = root.numel * itemsize(root.dtype);
    if (p + 8 + n > bytes.length)
      throw new FormatError(`truncated: storage ${key} needs ${n} bytes`);
    data.set(key, bytes.subarray(p + 8, p + 8 + n));
    p += 8 + n;
  }
  for (const key of roots.keys()) {
    if (!data.has(key)) throw new FormatError(`storage ${key} is used but not stored`);
  }

  // Pass 2: the real thing.
  const storages = new Map<string, TorchStorage>();
  const load = (pid: Arg): TorchStorage => {
    const s = parseStoragePid(pid, 6);
    const v = s.view;
    const key = v?.key ?? s.key;
    const numel = v?.numel ?? s.numel;
    const known = storages.get(key);
    if (known) return sameStorage(known, s.dtype, numel);
    const size = itemsize(s.dtype);
    const all = data.get(s.key)!;
    const slice = v ? all.subarray(v.offset * size, (v.offset + v.numel) * size) : all;
    const storage = new TorchStorage(key, s.dtype, numel, s.location, slice, !littleEndian);
    storages.set(key, storage);
    return storage;
  };
  return unpickle(bytes, mainStart, { persistentLoad: load, budget }).value;
}
