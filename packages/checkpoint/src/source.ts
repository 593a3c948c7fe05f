import { closeSync, fstatSync, openSync, readSync, readvSync } from 'node:fs';
import { FormatError } from './errors.js';

/**
 * Random access to a checkpoint's bytes: a buffer already in memory (reads are views) or an open
 * file (each read is one pread into its own right-sized buffer).
 */
export interface ByteSource {
  readonly size: number;
  /** `length` bytes at `offset`; a FormatError past the end. */
  read(offset: number, length: number, what: string): Uint8Array;
}

export function bufferSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read(offset, length, what) {
      check(offset, length, bytes.length, what);
      return bytes.subarray(offset, offset + length);
    },
  };
}

/**
 * An open file, read piece by piece into right-sized buffers (see zip/records.ts for why). Reads
 * are synchronous, like torch.load's: a checkpoint load is one burst of page-cache copies, which
 * the thread pool would only slice up and delay.
 */
export class FileSource implements ByteSource {
  readonly size: number;
  private fd: number | null;
  /** Bytes handed out so far: zip entries that alias one region must not multiply memory. */
  private total = 0;

  constructor(file: string) {
    this.fd = openSync(file, 'r');
    try {
      this.size = fstatSync(this.fd).size;
    } catch (err) {
      this.close();
      throw err;
    }
  }

  read(offset: number, length: number, what: string): Uint8Array {
    check(offset, length, this.size, what);
    const fd = this.open();
    this.count(length, what);
    const buf = alignedBuffer(offset, length);
    let done = 0;
    while (done < length) {
      const n = readSync(fd, buf, done, Math.min(length - done, 0x7fff_f000), offset + done);
      if (n === 0)
        throw new FormatError(`truncated: ${what} ends early (the file shrank while reading)`);
      done += n;
    }
    return buf;
  }

  /**
   * Contiguous, ascending byte ranges, each into its own buffer, with as few preadv calls as the
   * kernel allows (one for a whole checkpoint; Linux takes up to 1024 buffers and ~2 GB a call).
   */
  readSpans(spans: readonly { start: number; end: number }[]): Uint8Array[] {
    const fd = this.open();
    const out: Uint8Array[] = [];
    for (let i = 0; i < spans.length; i++) {
      const { start, end } = spans[i]!;
      const prevEnd = i === 0 ? start : spans[i - 1]!.end;
      if (start !== prevEnd || end < start) throw new Error('readSpans needs contiguous ranges');
      check(start, end - start, this.size, 'zip records');
      this.count(end - start, 'zip records');
      out.push(alignedBuffer(start, end - start));
    }
    let position = spans[0]?.start ?? 0;
    let pending = out.filter((b) => b.length > 0);
    while (pending.length > 0) {
      let n = readvSync(fd, pending.slice(0, 1024), position);
      if (n === 0) throw new FormatError('truncated: the file shrank while reading its records');
      position += n;
      // drop the buffers this call filled; a partly filled one continues where it stopped
      let k = 0;
      while (k < pending.length && n >= pending[k]!.length) n -= pending[k++]!.length;
      pending = pending.slice(k);
      if (n > 0) pending[0] = pending[0]!.subarray(n);
    }
    return out;
  }

  private open(): number {
    if (this.fd === null) throw new Error('file source is closed');
    return this.fd;
  }

  /** Zip entries that alias one region must not multiply memory: reads stop at twice the file. */
  private count(length: number, what: string): void {
    this.total += length;
    if (this.total > 2 * this.size + 64 * 2 ** 20) {
      throw new FormatError(
        `corrupt: ${what} overlaps other records (reading it would exceed twice the file size)`,
      );
    }
  }

  /** The whole file (the legacy format is read sequentially). */
  readAll(): Uint8Array {
    return this.read(0, this.size, 'file');
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

/**
 * A buffer for `length` file bytes starting at `offset`, placed at an ArrayBuffer offset congruent
 * to `offset` modulo 8, so records the writer aligned (torch aligns every storage to 64 bytes)
 * become typed-array views of any element size without a copy. allocUnsafe serves small reads from
 * Node's 8-byte-aligned pool (no allocation per BatchNorm vector), big ones with their own memory
 * (malloc'd, uninitialized: the read overwrites every byte).
 */
function alignedBuffer(offset: number, length: number): Uint8Array {
  const pad = offset % 8;
  const buf = Buffer.allocUnsafe(pad + length);
  // A plain Uint8Array view: tensors and pickle strings are cut from it with the native
  // subarray, not Buffer's JS override (which shows in a cold process).
  return new Uint8Array(buf.buffer, buf.byteOffset + pad, length);
}

function check(offset: number, length: number, size: number, what: string): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
    throw new FormatError(`corrupt: ${what} has an invalid offset or length`);
  }
  if (offset + length > size) {
    throw new FormatError(
      `truncated: ${what} (${length} bytes at offset ${offset}) extends past the end of the file`,
    );
  }
}
