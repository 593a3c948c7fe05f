import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { FormatError } from './errors.js';

/**
 * Random access to a checkpoint's bytes: a buffer already in memory (reads are views) or an open
 * file (each read is one pread into its own fresh buffer). Reading a zip checkpoint record by
 * record, like torch's PyTorchStreamReader, lets each storage live in its own allocation: a
 * tensor kept alive does not pin the whole file, and the allocator can reuse freed storages on
 * the next load instead of faulting in a new 100 MB region every time.
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
    if (this.fd === null) throw new Error('file source is closed');
    this.total += length;
    if (this.total > 2 * this.size + 64 * 2 ** 20) {
      throw new FormatError(`corrupt: ${what} overlaps other records (reading it would exceed twice the file size)`);
    }
    // unpooled, so the buffer starts at byteOffset 0 and typed-array views are aligned
    const buf = Buffer.allocUnsafeSlow(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, buf, done, Math.min(length - done, 0x7fff_f000), offset + done);
      if (n === 0)
        throw new FormatError(`truncated: ${what} ends early (the file shrank while reading)`);
      done += n;
    }
    return buf;
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
