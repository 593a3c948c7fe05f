import { closeSync, fstatSync, openSync, readSync, readv, readvSync } from 'node:fs';
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
  readSpans(spans: readonly Span[]): Uint8Array[] {
    const out = this.spanBuffers(spans);
    fillSync(this.open(), nonEmpty(out), spans[0]?.start ?? 0);
    return out;
  }

  /**
   * readSpans split into up to `parts` runs of about equal bytes, read at the same time: the
   * first on this thread, the others on libuv's thread pool (one preadv each, or a few past 1,024
   * buffers). All runs have settled when this returns or throws, so the caller may close the
   * file right after.
   */
  async readSpansParallel(spans: readonly Span[], parts: number): Promise<Uint8Array[]> {
    const out = this.spanBuffers(spans);
    const fd = this.open();
    const ends = splitRuns(spans, parts);
    const runs = ends.map((end, k) => {
      const first = k === 0 ? 0 : ends[k - 1]!;
      return { buffers: nonEmpty(out.slice(first, end)), position: spans[first]?.start ?? 0 };
    });
    const pending = runs.slice(1).map((run) => fillAsync(fd, run.buffers, run.position));
    let failure: { error: unknown } | undefined;
    try {
      fillSync(fd, runs[0]!.buffers, runs[0]!.position);
    } catch (error) {
      failure = { error };
    }
    const settled = await Promise.allSettled(pending);
    if (failure) throw failure.error;
    for (const s of settled) if (s.status === 'rejected') throw s.reason;
    return out;
  }

  /**
   * One right-sized buffer per span, after checking the spans tile a range of the file. The big
   * ones are allocated first and the small ones (from Node's Buffer pool) after them: the last
   * pool slab, which Node keeps as its current pool after the load, then lies above the freed
   * storages in malloc's heap, so glibc cannot trim them off the top and hand them back to the
   * kernel. In file order, 4 of 16 warm-benchmark processes (8 loads each) had 3 to 8 loads that
   * faulted ~52 MB back in after glibc had trimmed it (13,000 page faults, +10–15 ms each); in
   * this order, 1 of 36 had 4 such loads and 3 others a single one.
   */
  private spanBuffers(spans: readonly Span[]): Uint8Array[] {
    const out: Uint8Array[] = new Array(spans.length);
    for (let i = 0; i < spans.length; i++) {
      const { start, end } = spans[i]!;
      const prevEnd = i === 0 ? start : spans[i - 1]!.end;
      if (start !== prevEnd || end < start) throw new Error('readSpans needs contiguous ranges');
      check(start, end - start, this.size, 'zip records');
      this.count(end - start, 'zip records');
      if (!fromPool(start, end - start)) out[i] = alignedBuffer(start, end - start);
    }
    for (let i = 0; i < spans.length; i++) {
      const { start, end } = spans[i]!;
      if (fromPool(start, end - start)) out[i] = alignedBuffer(start, end - start);
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

export interface Span {
  start: number;
  end: number;
}

/** Linux takes at most this many buffers per preadv (IOV_MAX). */
const IOV_MAX = 1024;

function nonEmpty(buffers: Uint8Array[]): Uint8Array[] {
  return buffers.filter((b) => b.length > 0);
}

/** Contiguous spans cut into up to `parts` runs of about equal bytes: each run's end index. */
function splitRuns(spans: readonly Span[], parts: number): number[] {
  const first = spans[0]?.start ?? 0;
  const total = (spans[spans.length - 1]?.end ?? first) - first;
  const ends: number[] = [];
  for (let i = 0; i < spans.length; i++) {
    const done = spans[i]!.end - first;
    if (ends.length < parts - 1 && done >= (total * (ends.length + 1)) / parts) ends.push(i + 1);
  }
  if (ends[ends.length - 1] !== spans.length) ends.push(spans.length);
  return ends;
}

/** Fills `buffers` from `position` on with preadv; a short read continues where it stopped. */
function fillSync(fd: number, buffers: Uint8Array[], position: number): void {
  let pending = buffers;
  while (pending.length > 0) {
    const n = readvSync(fd, pending.slice(0, IOV_MAX), position);
    if (n === 0) throw new FormatError('truncated: the file shrank while reading its records');
    position += n;
    pending = advance(pending, n);
  }
}

async function fillAsync(fd: number, buffers: Uint8Array[], position: number): Promise<void> {
  let pending = buffers;
  while (pending.length > 0) {
    const n = await new Promise<number>((resolve, reject) => {
      readv(fd, pending.slice(0, IOV_MAX), position, (err, bytes) =>
        err ? reject(err) : resolve(bytes),
      );
    });
    if (n === 0) throw new FormatError('truncated: the file shrank while reading its records');
    position += n;
    pending = advance(pending, n);
  }
}

/** The buffers left after `n` more bytes were read into them (a partly filled one is cut). */
function advance(buffers: Uint8Array[], n: number): Uint8Array[] {
  let k = 0;
  while (k < buffers.length && n >= buffers[k]!.length) n -= buffers[k++]!.length;
  const rest = buffers.slice(k);
  if (n > 0) rest[0] = rest[0]!.subarray(n);
  return rest;
}

/**
 * A buffer for `length` file bytes starting at `offset`, placed at an ArrayBuffer offset congruent
 * to `offset` modulo 8, so records the writer aligned (torch aligns every storage to 64 bytes)
 * become typed-array views of any element size without a copy. allocUnsafe serves small reads from
 * Node's 8-byte-aligned pool (no allocation per BatchNorm vector), big ones with their own memory
 * (malloc'd, uninitialized: the read overwrites every byte).
 */
/** Whether alignedBuffer() takes these bytes from Node's Buffer pool (under half its slab). */
function fromPool(offset: number, length: number): boolean {
  return (offset % 8) + length < Buffer.poolSize >>> 1;
}

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
