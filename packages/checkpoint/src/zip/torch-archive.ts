import { crc32 } from 'node:zlib';
import { type DType, itemsize } from '../dtype.js';
import { FormatError } from '../errors.js';
import { keepShape } from '../keep-shape.js';
import { defaultCopyBudget, type LoadOptions } from '../options.js';
import { type Arg, describeArg, PyGlobal } from '../pickle/globals.js';
import { type UnpickleOptions, unpickle } from '../pickle/vm.js';
import { PyTuple, type PyValue } from '../pyvalue.js';
import { type ByteSource, bufferSource, type FileSource } from '../source.js';
import { CopyBudget, TorchStorage } from '../storage.js';
import { readZipDirectory, type ZipDirectory, type ZipEntry } from './read.js';
import { fileRecordReader, type RecordReader, recordReader } from './records.js';

/**
 * torch >= 1.6 checkpoints: a zip holding `<prefix>/data.pkl` (the pickle), `<prefix>/data/<key>`
 * (one record per storage) and `<prefix>/version`; newer torch adds `<prefix>/byteorder`.
 */
export function loadZipCheckpoint(
  src: ByteSource,
  opts?: LoadOptions,
): { value: PyValue; prefix: string } {
  const archive = openTorchArchive(src);
  return decodeTorchArchive(archive, recordReader(src, archive.dir), src.size, opts);
}

/** loadZipCheckpoint for a file, whose records are read in parallel parts (fileRecordReader). */
export async function loadZipCheckpointFile(
  src: FileSource,
  opts?: LoadOptions,
): Promise<{ value: PyValue; prefix: string }> {
  const archive = openTorchArchive(src);
  return decodeTorchArchive(archive, await fileRecordReader(src, archive.dir), src.size, opts);
}

interface TorchArchive {
  dir: ZipDirectory;
  pkl: ZipEntry;
  /** the archive's folder name with its slash ("resnet50/"), or "" */
  prefix: string;
}

/** The central directory and data.pkl's entry: checked before any record is read. */
function openTorchArchive(src: ByteSource): TorchArchive {
  const dir = readZipDirectory(src);
  const pkl = [...dir.entries.values()].find(
    (e) => /^[^/]+\/data\.pkl$/.test(e.name) || e.name === 'data.pkl',
  );
  if (!pkl)
    throw new FormatError('zip archive has no data.pkl, so it is not a torch.save checkpoint');
  return { dir, pkl, prefix: pkl.name.slice(0, -'data.pkl'.length) };
}

function decodeTorchArchive(
  { dir: { entries }, pkl, prefix }: TorchArchive,
  records: RecordReader,
  fileSize: number,
  opts?: LoadOptions,
): { value: PyValue; prefix: string } {
  const version = entries.get(`${prefix}version`) ?? entries.get(`${prefix}.data/version`);
  if (version) {
    const text = new TextDecoder().decode(checkedRecord(records, version)).trim();
    if (!/^\d+$/.test(text))
      throw new FormatError(`archive version "${text.slice(0, 20)}" is not a number`);
  }
  let bigEndian = false;
  const order = entries.get(`${prefix}byteorder`);
  if (order) {
    const text = new TextDecoder().decode(checkedRecord(records, order)).trim();
    if (text !== 'little' && text !== 'big')
      throw new FormatError(`unknown byteorder "${text.slice(0, 20)}"`);
    bigEndian = text === 'big';
  }

  const storages = new ZipStorages(entries, prefix, records, bigEndian, {
    // torch.load checks no CRC at all; we always check the small records (data.pkl, version), so
    // a corrupt pickle is reported as such, and the storages only on request (~1 s/GB).
    verifyCrc: opts?.verifyCrc ?? false,
    budget: new CopyBudget(defaultCopyBudget(fileSize, opts)),
  });
  const { value } = unpickle(checkedRecord(records, pkl), 0, storages);
  return { value, prefix: prefix.slice(0, -1) };
}

/** A record's data after checking its CRC-32 against the central directory. */
function checkedRecord(records: RecordReader, e: ZipEntry): Uint8Array {
  const data = records.data(e);
  if (crc32(data) >>> 0 !== e.crc32) {
    throw new FormatError(`CRC-32 mismatch in zip record ${e.name}: the file is corrupt`);
  }
  return data;
}

/**
 * Resolves the pickle's persistent ids to the archive's storage records (each loaded once, shared
 * by every tensor that views it). A class, not a closure: the VM calls persistentLoad from its
 * optimized code, and a new closure per load would make V8 discard that code after every load.
 */
class ZipStorages implements UnpickleOptions {
  private readonly loaded = new Map<string, TorchStorage>();
  readonly budget: CopyBudget;
  private readonly verifyCrc: boolean;

  constructor(
    private readonly entries: Map<string, ZipEntry>,
    private readonly prefix: string,
    private readonly records: RecordReader,
    private readonly bigEndian: boolean,
    opts: { verifyCrc: boolean; budget: CopyBudget },
  ) {
    this.budget = opts.budget;
    this.verifyCrc = opts.verifyCrc;
  }

  persistentLoad(pid: Arg): TorchStorage {
    const { dtype, key, location, numel } = parseStoragePid(pid, 5);
    const known = this.loaded.get(key);
    if (known) return sameStorage(known, dtype, numel);
    const entry = this.entries.get(`${this.prefix}data/${key}`);
    if (!entry) throw new FormatError(`storage record data/${key} is missing from the archive`);
    const nbytes = numel * itemsize(dtype);
    if (entry.size < nbytes) {
      throw new FormatError(
        `storage record data/${key} holds ${entry.size} bytes, ${nbytes} needed`,
      );
    }
    const data = this.verifyCrc ? checkedRecord(this.records, entry) : this.records.data(entry);
    const s = new TorchStorage(key, dtype, numel, location, data, this.bigEndian);
    this.loaded.set(key, s);
    return s;
  }
}

keepShape(
  new ZipStorages(
    new Map(),
    '',
    recordReader(bufferSource(new Uint8Array(0)), { entries: new Map(), offset: 0 }),
    false,
    {
      verifyCrc: false,
      budget: new CopyBudget(0),
    },
  ),
);

export interface StoragePid {
  dtype: DType;
  key: string;
  location: string;
  numel: number;
  /** legacy format only: (view key, offset, size) of a view into a bigger storage */
  view: { key: string; offset: number; numel: number } | null;
}

/** ('storage', torch.FloatStorage, key, location, numel[, view_metadata]) */
export function parseStoragePid(pid: Arg, arity: 5 | 6): StoragePid {
  if (!(pid instanceof PyTuple) || pid.length !== arity || pid.items[0] !== 'storage') {
    throw new FormatError(
      `unsupported persistent id ${describeArg(pid)}; only torch storages are allowed`,
    );
  }
  const [, type, key, location, numel, view] = pid.items as Arg[];
  if (!(type instanceof PyGlobal) || type.impl.storageDtype === undefined) {
    throw new FormatError(`persistent id names ${describeArg(type!)} instead of a storage type`);
  }
  if (typeof key !== 'string' && typeof key !== 'number')
    throw new FormatError('storage key must be a str');
  if (typeof location !== 'string') throw new FormatError('storage location must be a str');
  if (typeof numel !== 'number' || !Number.isSafeInteger(numel) || numel < 0) {
    throw new FormatError(`storage size ${String(numel)} is invalid`);
  }
  let v: StoragePid['view'] = null;
  if (view !== undefined && view !== null) {
    const items = view instanceof PyTuple ? view.items : [];
    const [vk, off, n] = items;
    if (items.length !== 3 || typeof vk !== 'string' || !isCount(off) || !isCount(n)) {
      throw new FormatError('storage view metadata is invalid');
    }
    v = { key: vk, offset: off, numel: n };
  }
  // Real HAWQ checkpoints tag storages 'cuda:0'; everything loads into host memory regardless.
  return { dtype: type.impl.storageDtype, key: String(key), location, numel, view: v };
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

export function sameStorage(known: TorchStorage, dtype: DType, numel: number): TorchStorage {
  if (known.dtype !== dtype || known.numel !== numel) {
    throw new FormatError(
      `storage ${known.key} is referenced as ${dtype}[${numel}] and ${known.dtype}[${known.numel}]`,
    );
  }
  return known;
}
