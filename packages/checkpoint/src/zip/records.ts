import { availableParallelism } from 'node:os';
import { FormatError } from '../errors.js';
import { keepShape } from '../keep-shape.js';
import { type ByteSource, FileSource, type Span } from '../source.js';
import { localHeaderLength, readEntry, type ZipDirectory, type ZipEntry } from './read.js';

/** The data of a zip entry (stored, so a plain byte range). */
export interface RecordReader {
  data(e: ZipEntry): Uint8Array;
}

/**
 * How a torch archive's records are fetched. In memory: views of the archive. From a file: every
 * record — local header, data and descriptor, up to the next record — lands in its own buffer of
 * exactly that size, all of them filled by one preadv (see FileSource.readSpans), so each storage
 * is read once, straight from the page cache, and never copied again. One call instead of two
 * preads per record matters in a fresh process, where every JS-level fs call still runs in
 * V8's interpreter; per-record buffers (not one for the whole file) let malloc recycle a dropped
 * checkpoint's memory for the next load and let a kept tensor pin only its own storage.
 */
export function recordReader(src: ByteSource, dir: ZipDirectory): RecordReader {
  if (!(src instanceof FileSource)) return new MemoryRecords(src);
  const { starts, spans } = recordLayout(src, dir);
  return new FileRecords(starts, src.readSpans(spans));
}

/** Parts smaller than this are not worth a thread-pool hop. */
const MIN_PART_BYTES = 8 * 2 ** 20;
/** libuv's default thread-pool size: more parts would queue behind each other. */
const MAX_PARTS = 4;

/**
 * recordReader for a file, big archives read in up to one part per core at the same time
 * (FileSource.readSpansParallel): the same buffers, filled by a few preadv calls in parallel.
 */
export async function fileRecordReader(src: FileSource, dir: ZipDirectory): Promise<RecordReader> {
  const { starts, spans } = recordLayout(src, dir);
  const bytes = (spans[spans.length - 1]?.end ?? 0) - (spans[0]?.start ?? 0);
  const parts = Math.max(
    1,
    Math.min(availableParallelism(), MAX_PARTS, Math.floor(bytes / MIN_PART_BYTES)),
  );
  return new FileRecords(starts, await src.readSpansParallel(spans, parts));
}

/** The records tile the file from the first local header up to the central directory. */
function recordLayout(src: FileSource, dir: ZipDirectory): { starts: number[]; spans: Span[] } {
  const starts = [...new Set([...dir.entries.values()].map((e) => e.localHeader))].sort(
    (a, b) => a - b,
  );
  const last = starts[starts.length - 1] ?? 0;
  const end = dir.offset > last ? Math.min(dir.offset, src.size) : src.size;
  return { starts, spans: starts.map((start, i) => ({ start, end: starts[i + 1] ?? end })) };
}

class MemoryRecords implements RecordReader {
  constructor(private readonly src: ByteSource) {}
  data(e: ZipEntry): Uint8Array {
    return readEntry(this.src, e);
  }
}

class FileRecords implements RecordReader {
  /** each record's buffer, by the offset of its local header */
  private readonly byStart: Map<number, Uint8Array>;

  /** `buffers[i]` holds the record whose local header is at `starts[i]` */
  constructor(starts: number[], buffers: Uint8Array[]) {
    this.byStart = new Map(starts.map((s, i) => [s, buffers[i]!]));
  }

  data(e: ZipEntry): Uint8Array {
    const span = this.byStart.get(e.localHeader)!;
    const at = localHeaderLength(span, e);
    if (at + e.size > span.length) {
      throw new FormatError(
        `corrupt: zip entry ${e.name} overlaps other records (its ${e.size} bytes run into the next record)`,
      );
    }
    return span.subarray(at, at + e.size);
  }
}

keepShape(new FileRecords([], []));
