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
  private readonly chunks: Chunk[] = [];

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
    const chunk = this.chunkFor(offset, length);
    if (chunk) {
      if (!chunk.data) {
        const pad = chunk.start % 64;
        chunk.data = this.pread(chunk.start, chunk.end - chunk.start, pad, what);
      }
      const at = offset - chunk.start + (chunk.start % 64);
      return chunk.data.subarray(at, at + length);
    }
    return this.pread(offset, length, 0, what);
  }

  private pread(offset: number, length: number, pad: number, what: string): Uint8Array {
    if (this.fd === null) throw new Error('file source is closed');
    this.total += length;
    if (this.total > 2 * this.size + 64 * 2 ** 20) {
      throw new FormatError(
        `corrupt: ${what} overlaps other records (reading it would exceed twice the file size)`,
      );
    }
    // Unpooled, so the buffer starts at byteOffset 0; `pad` leading bytes make buffer index
    // pad + i hold file byte offset + i, preserving the file's alignment modulo 64.
    const buf = Buffer.allocUnsafeSlow(pad + length);
    let done = 0;
    while (done < length) {
      const n = readSync(
        this.fd,
        buf,
        pad + done,
        Math.min(length - done, 0x7fff_f000),
        offset + done,
      );
      if (n === 0)
        throw new FormatError(`truncated: ${what} ends early (the file shrank while reading)`);
      done += n;
    }
    return buf;
  }

  /**
   * Declares byte ranges that will be read piecewise (zip records), so they can be fetched in
   * chunks of up to `chunkSize` bytes with one pread each: few syscalls and allocations (fast on
   * a cold start), yet small enough for the allocator to recycle between loads (fast when warm).
   * A chunk keeps its file offset's alignment modulo 64, so the 64-byte aligned records of a torch
   * archive stay aligned and load as zero-copy typed-array views.
   */
  plan(ranges: readonly { start: number; end: number }[], chunkSize = 8 * 2 ** 20): void {
    const sorted = [...ranges].filter((r) => r.end > r.start).sort((a, b) => a.start - b.start);
    let current: Chunk | null = null;
    for (const r of sorted) {
      if (current && r.start >= current.start && r.end - current.start <= chunkSize) {
        current.end = Math.max(current.end, r.end);
      } else {
        current = { start: r.start, end: r.end, data: null };
        this.chunks.push(current);
      }
    }
  }

  private chunkFor(offset: number, length: number): Chunk | undefined {
    // binary search: the last chunk starting at or before offset
    let lo = 0;
    let hi = this.chunks.length - 1;
    let found: Chunk | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const c = this.chunks[mid]!;
      if (c.start <= offset) {
        found = c;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found && offset + length <= found.end ? found : undefined;
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

interface Chunk {
  start: number;
  end: number;
  data: Uint8Array | null;
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
