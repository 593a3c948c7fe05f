// Hand-assembled pickles and archives for the bad-input tests.

import type { PyValue } from '../src/index.js';
import { Op } from '../src/pickle/opcodes.js';
import { encodeLong, pickleProtocol2 } from '../src/pickle/write.js';
import { bufferSource } from '../src/source.js';
import { readEntry, readZipDirectory } from '../src/zip/read.js';
import { zipChunks } from '../src/zip/write.js';

type Part = number | string | Uint8Array | Part[];

/** Concatenates opcodes (numbers), raw text (strings) and byte arrays. */
export function bytesOf(...parts: Part[]): Uint8Array {
  const out: number[] = [];
  const add = (p: Part): void => {
    if (typeof p === 'number') out.push(p);
    else if (typeof p === 'string') for (const c of new TextEncoder().encode(p)) out.push(c);
    else if (p instanceof Uint8Array) out.push(...p);
    else p.forEach(add);
  };
  parts.forEach(add);
  return Uint8Array.from(out);
}

export const int = (n: number | bigint): Uint8Array => {
  const b = encodeLong(BigInt(n));
  return bytesOf(Op.LONG1, b.length, b);
};
export const str = (s: string): Uint8Array => {
  const b = new TextEncoder().encode(s);
  return bytesOf(Op.SHORT_BINUNICODE, b.length, b);
};
export const global = (module: string, name: string): Uint8Array =>
  bytesOf(Op.GLOBAL, `${module}\n${name}\n`);
const tup = (...items: Uint8Array[]): Uint8Array => bytesOf(Op.MARK, ...items, Op.TUPLE);

/** data.pkl of a single tensor: _rebuild_tensor_v2(storage pid, offset, size, stride, False, OrderedDict()). */
export function tensorPickle(o: {
  numel: number | bigint;
  offset?: number | bigint;
  size: (number | bigint)[];
  stride: (number | bigint)[];
  storage?: string;
  key?: string;
  /** legacy format: the 6th pid element, view metadata (key, offset, numel) or null */
  legacyView?: [string, number, number] | null;
}): Uint8Array {
  const view =
    o.legacyView === undefined
      ? []
      : o.legacyView === null
        ? [bytesOf(Op.NONE)]
        : [tup(str(o.legacyView[0]), int(o.legacyView[1]), int(o.legacyView[2]))];
  return bytesOf(
    Op.PROTO,
    2,
    global('torch._utils', '_rebuild_tensor_v2'),
    Op.MARK,
    tup(
      str('storage'),
      global('torch', o.storage ?? 'FloatStorage'),
      str(o.key ?? '0'),
      str('cpu'),
      int(o.numel),
      ...view,
    ),
    Op.BINPERSID,
    int(o.offset ?? 0),
    tup(...o.size.map(int)),
    tup(...o.stride.map(int)),
    Op.NEWFALSE,
    global('collections', 'OrderedDict'),
    Op.EMPTY_TUPLE,
    Op.REDUCE,
    Op.TUPLE,
    Op.REDUCE,
    Op.STOP,
  );
}

/** A torch zip archive from a data.pkl and storage records. */
export function torchZip(
  pkl: Uint8Array,
  storages: Record<string, Uint8Array> = {},
  prefix = 'archive',
): Uint8Array {
  return Buffer.concat(
    zipChunks([
      { name: `${prefix}/data.pkl`, data: pkl },
      ...Object.entries(storages).map(([k, data]) => ({ name: `${prefix}/data/${k}`, data })),
      { name: `${prefix}/version`, data: new TextEncoder().encode('3\n') },
    ]),
  );
}

/** A legacy-format file: magic, protocol, sys info, main pickle, key list, storages. */
export function legacyFile(
  main: Uint8Array,
  storages: [string, number, Uint8Array][],
  littleEndian = true,
): Uint8Array {
  const header = (v: PyValue) =>
    pickleProtocol2(v, () => {
      throw new Error('no tensors in headers');
    });
  const sys = new Map<string, PyValue>([
    ['protocol_version', 1001],
    ['little_endian', littleEndian],
    [
      'type_sizes',
      new Map<string, PyValue>([
        ['short', 2],
        ['int', 4],
        ['long', 4],
      ]),
    ],
  ]);
  const parts: Uint8Array[] = [
    header(0x1950a86a20f9469cfc6cn),
    header(1001),
    header(sys),
    main,
    header(storages.map(([k]) => k)),
  ];
  for (const [, numel, data] of storages) {
    const n = new Uint8Array(8);
    new DataView(n.buffer).setBigInt64(0, BigInt(numel), littleEndian);
    parts.push(n, data);
  }
  return Buffer.concat(parts);
}

/** The records of an in-memory zip in central-directory order (data are views). */
export function zipRecords(bytes: Uint8Array): { name: string; data: Uint8Array }[] {
  const src = bufferSource(bytes);
  return [...readZipDirectory(src).entries.values()].map((e) => ({
    name: e.name,
    data: readEntry(src, e),
  }));
}
