import { FormatError } from '../errors.js';
import type { ByteSource } from '../source.js';

export interface ZipDirectory {
  /** entries by name, in central-directory order */
  readonly entries: Map<string, ZipEntry>;
  /** where the central directory starts: the records lie before it */
  readonly offset: number;
}

export interface ZipEntry {
  readonly name: string;
  /** offset of the entry's local header; the data follows it */
  readonly localHeader: number;
  readonly size: number;
  readonly crc32: number;
}

const SIG_EOCD = 0x06054b50;
const SIG_EOCD64 = 0x06064b50;
const SIG_EOCD64_LOCATOR = 0x07064b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_LOCAL = 0x04034b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;
const utf8 = new TextDecoder('utf-8');

export function isZip(head: Uint8Array): boolean {
  return head.length >= 4 && u32(head, 0) === SIG_LOCAL;
}

/** Bytes at the end of a zip that can hold the end records: EOCD + max comment + zip64 records. */
const TAIL = EOCD_SIZE + MAX_COMMENT + 20 + 56;

/**
 * Reads the central directory of a zip (zip64 aware, as torch's miniz writes a zip64 end record
 * even for small files). Only stored (uncompressed) entries are accepted — torch never
 * compresses — so every entry's data is a plain byte range (see readEntry).
 */
export function readZipDirectory(src: ByteSource): ZipDirectory {
  const tailStart = Math.max(0, src.size - TAIL);
  const tail = src.read(tailStart, src.size - tailStart, 'zip end records');
  const tv = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  const eocd = findEocd(tail);
  let count = tv.getUint16(eocd + 10, true);
  let cdSize = tv.getUint32(eocd + 12, true);
  let cdOffset = tv.getUint32(eocd + 16, true);
  const loc = eocd - 20;
  if (loc >= 0 && u32(tail, loc) === SIG_EOCD64_LOCATOR) {
    const rec = safeU64(tv, loc + 8, 'zip64 end record offset');
    const r = rec - tailStart;
    if (r < 0 || r + 56 > tail.length || u32(tail, r) !== SIG_EOCD64) {
      throw new FormatError('corrupt zip: zip64 end of central directory record not found');
    }
    count = safeU64(tv, r + 32, 'zip64 entry count');
    cdSize = safeU64(tv, r + 40, 'zip64 central directory size');
    cdOffset = safeU64(tv, r + 48, 'zip64 central directory offset');
  }
  if (cdOffset + cdSize > src.size) {
    throw new FormatError('truncated zip: central directory lies past the end of the file');
  }
  if (count * 46 > cdSize)
    throw new FormatError(`corrupt zip: ${count} entries cannot fit the central directory`);
  const cd = src.read(cdOffset, cdSize, 'zip central directory');
  const view = new DataView(cd.buffer, cd.byteOffset, cd.byteLength);

  const entries = new Map<string, ZipEntry>();
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || u32(cd, p) !== SIG_CENTRAL) {
      throw new FormatError(`corrupt zip: central directory entry ${i} is damaged`);
    }
    const flags = view.getUint16(p + 8, true);
    const method = view.getUint16(p + 10, true);
    const crc32 = view.getUint32(p + 16, true);
    let csize = view.getUint32(p + 20, true);
    let size = view.getUint32(p + 24, true);
    const nameLen = view.getUint16(p + 28, true);
    const extraLen = view.getUint16(p + 30, true);
    const commentLen = view.getUint16(p + 32, true);
    let local = view.getUint32(p + 42, true);
    const end = p + 46 + nameLen + extraLen + commentLen;
    if (end > cd.length)
      throw new FormatError(`corrupt zip: central directory entry ${i} overruns`);
    const name = utf8.decode(cd.subarray(p + 46, p + 46 + nameLen));
    // zip64 extended information replaces the fields that hold 0xffffffff, in this order.
    let x = p + 46 + nameLen;
    const xEnd = x + extraLen;
    while (x + 4 <= xEnd) {
      const id = view.getUint16(x, true);
      const len = view.getUint16(x + 2, true);
      if (x + 4 + len > xEnd) break;
      if (id === 0x0001) {
        let q = x + 4;
        const next = (what: string): number => {
          if (q + 8 > x + 4 + len)
            throw new FormatError(`corrupt zip: short zip64 field in ${name}`);
          const v = safeU64(view, q, what);
          q += 8;
          return v;
        };
        if (size === 0xffffffff) size = next('size');
        if (csize === 0xffffffff) csize = next('compressed size');
        if (local === 0xffffffff) local = next('local header offset');
      }
      x += 4 + len;
    }
    if (flags & 1) throw new FormatError(`zip entry ${name} is encrypted`);
    if (method !== 0) {
      throw new FormatError(
        `zip entry ${name} is compressed (method ${method}); torch.save never compresses`,
      );
    }
    if (csize !== size) throw new FormatError(`corrupt zip: stored entry ${name} has two sizes`);
    if (local + 30 + size > src.size) {
      throw new FormatError(
        `truncated zip: entry ${name} (${size} bytes) extends past the end of the file`,
      );
    }
    entries.set(name, { name, localHeader: local, size, crc32 });
    p = end;
  }
  return { entries, offset: cdOffset };
}

/** Offset of an entry's data: after its local header, whose name/extra lengths may differ from the central ones. */
export function entryDataOffset(src: ByteSource, e: ZipEntry): number {
  return (
    e.localHeader + localHeaderLength(src.read(e.localHeader, 30, `local header of ${e.name}`), e)
  );
}

/** Length of the local header at the start of `bytes` (30 bytes + name + extra field). */
export function localHeaderLength(bytes: Uint8Array, e: ZipEntry): number {
  if (bytes.length < 30 || u32(bytes, 0) !== SIG_LOCAL)
    throw new FormatError(`corrupt zip: local header of ${e.name} not found`);
  return 30 + (bytes[26]! | (bytes[27]! << 8)) + (bytes[28]! | (bytes[29]! << 8));
}

/** An entry's data (a view for in-memory sources, a fresh buffer for files). */
export function readEntry(src: ByteSource, e: ZipEntry): Uint8Array {
  return src.read(entryDataOffset(src, e), e.size, `zip entry ${e.name}`);
}

function findEocd(bytes: Uint8Array): number {
  const stop = Math.max(0, bytes.length - EOCD_SIZE - MAX_COMMENT);
  for (let p = bytes.length - EOCD_SIZE; p >= stop; p--) {
    if (bytes[p] === 0x50 && u32(bytes, p) === SIG_EOCD) return p;
  }
  throw new FormatError('truncated zip: end of central directory not found');
}

function u32(b: Uint8Array, p: number): number {
  return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
}

function safeU64(view: DataView, p: number, what: string): number {
  if (p < 0 || p + 8 > view.byteLength) throw new FormatError(`truncated zip: ${what} missing`);
  const v = view.getBigUint64(p, true);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new FormatError(`corrupt zip: ${what} is absurd`);
  return Number(v);
}
