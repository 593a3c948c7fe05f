import { crc32 } from 'node:zlib';

export interface ZipRecord {
  name: string;
  data: Uint8Array;
}

const ALIGN = 64; // PyTorchStreamWriter's kFieldAlignment: record data starts on 64-byte boundaries
const LIMIT = 0xffffffff;

/**
 * Lays out records exactly as torch's PyTorchStreamWriter (miniz) does: stored entries, flags
 * 0x0808 with a data descriptor, zeroed times, an `FB` extra field padding each record's data to
 * 64 bytes, and a zip64 end record even for small archives. Returns chunks in file order; record
 * data is not copied.
 */
export function zipChunks(records: readonly ZipRecord[]): Uint8Array[] {
  const enc = new TextEncoder();
  const chunks: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let cursor = 0;
  for (const { name, data } of records) {
    const nameBytes = enc.encode(name);
    const start = cursor + 30 + nameBytes.length + 4;
    const pad = (ALIGN - (start % ALIGN)) % ALIGN;
    const crc = crc32(data) >>> 0;
    if (data.length >= LIMIT || cursor >= LIMIT) {
      throw new RangeError('archives of 4 GiB and more are not supported by this writer');
    }
    const local = new Uint8Array(30 + nameBytes.length + 4 + pad);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(6, 0x0808, true); // data descriptor follows, UTF-8 names
    lv.setUint16(26, nameBytes.length, true);
    lv.setUint16(28, 4 + pad, true);
    local.set(nameBytes, 30);
    const x = 30 + nameBytes.length;
    local[x] = 0x46; // 'F'
    local[x + 1] = 0x42; // 'B'
    lv.setUint16(x + 2, pad, true);
    local.fill(0x5a, x + 4); // 'Z'
    const desc = new Uint8Array(16);
    const dv = new DataView(desc.buffer);
    dv.setUint32(0, 0x08074b50, true);
    dv.setUint32(4, crc, true);
    dv.setUint32(8, data.length, true);
    dv.setUint32(12, data.length, true);
    chunks.push(local, data, desc);

    const cd = new Uint8Array(46 + nameBytes.length);
    const cv = new DataView(cd.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(8, 0x0808, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, data.length, true);
    cv.setUint32(24, data.length, true);
    cv.setUint16(28, nameBytes.length, true);
    cv.setUint32(42, cursor, true);
    cd.set(nameBytes, 46);
    central.push(cd);
    cursor += local.length + data.length + desc.length;
  }
  const cdOffset = cursor;
  const cdSize = central.reduce((a, c) => a + c.length, 0);
  if (cdOffset + cdSize >= LIMIT) {
    throw new RangeError('archives of 4 GiB and more are not supported by this writer');
  }
  const end = new Uint8Array(56 + 20 + 22);
  const ev = new DataView(end.buffer);
  const n = records.length;
  // zip64 end of central directory record
  ev.setUint32(0, 0x06064b50, true);
  ev.setBigUint64(4, 44n, true);
  ev.setUint16(12, 0x031e, true);
  ev.setUint16(14, 45, true);
  ev.setBigUint64(24, BigInt(n), true);
  ev.setBigUint64(32, BigInt(n), true);
  ev.setBigUint64(40, BigInt(cdSize), true);
  ev.setBigUint64(48, BigInt(cdOffset), true);
  // zip64 locator
  ev.setUint32(56, 0x07064b50, true);
  ev.setBigUint64(64, BigInt(cdOffset + cdSize), true);
  ev.setUint32(72, 1, true);
  // end of central directory
  ev.setUint32(76, 0x06054b50, true);
  ev.setUint16(84, Math.min(n, 0xffff), true);
  ev.setUint16(86, Math.min(n, 0xffff), true);
  ev.setUint32(88, cdSize, true);
  ev.setUint32(92, cdOffset, true);
  return [...chunks, ...central, end];
}
