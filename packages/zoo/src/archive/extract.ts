// Streaming .tar.gz extraction: bytes are pushed in as they arrive from the network (or a local
// file), gunzipped and untarred on the fly, and every file is hashed while it is written. Only
// regular files and directories inside the target are accepted (see entry-path.ts).
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import { CorruptArchiveError, UnsafeArchiveEntryError, ZooError } from '../errors.js';
import { type FileKind, fileKind } from './contents.js';
import { refuseEntryType, safeRelativePath } from './entry-path.js';

export interface ExtractedFile {
  /** Path relative to the installed model directory, `/`-separated. */
  path: string;
  bytes: number;
  sha256: string;
  kind: FileKind;
}

export interface ExtractOptions {
  /** Fresh, empty directory to extract into (created if missing). */
  dir: string;
  /** Archive name for error messages. */
  archive: string;
  /** Names the zoo writes itself next to the extracted files; an entry may not take them. */
  reserved?: string[];
  /** Refuse archives that expand past this many bytes (gzip bombs). Default 32 GiB. */
  maxBytes?: number;
}

export interface ExtractResult {
  /** Where the files are: `dir`, or its only sub-folder when the archive wraps everything in one. */
  root: string;
  files: ExtractedFile[];
}

type EntryStream = tar.Extract extends AsyncIterable<infer S> ? S : never;

/**
 * Pieces of gunzip output handed to tar, the hash and the disk: with zlib's default 16 KiB the
 * per-piece overhead (a threadpool round trip, stream bookkeeping, a write) outweighs the work.
 */
const CHUNK = 1 << 20;
/** Archive bytes queued ahead of gunzip, so the download keeps going while a piece inflates. */
const QUEUE = 1 << 20;

export class ArchiveExtractor {
  private readonly input = new PassThrough({ highWaterMark: QUEUE });
  private readonly files: ExtractedFile[] = [];
  private readonly done: Promise<void>;
  private failure: unknown;
  private ended = false;

  constructor(private readonly opts: ExtractOptions) {
    const extract = tar.extract();
    // Take the entry iterator before anything awaits: tar-stream loses entries that are emitted
    // while nobody iterates yet (and then stalls the whole pipeline).
    const entries = extract[Symbol.asyncIterator]();
    const piping = pipeline(this.input, createGunzip({ chunkSize: CHUNK }), extract);
    const consuming = this.consume(entries).catch((err: unknown) => {
      extract.destroy(err as Error);
      throw err;
    });
    this.done = Promise.all([piping, consuming]).then(
      () => undefined,
      (err: unknown) => {
        // The consumer's error (unsafe entry) is the interesting one; pipeline then only says
        // "premature close".
        this.failure ??= err instanceof ZooError ? err : new CorruptArchiveError(opts.archive, err);
        this.input.destroy();
        throw this.failure;
      },
    );
    consuming.catch((err: unknown) => {
      if (err instanceof ZooError) this.failure ??= err;
    });
    this.done.catch(() => undefined);
  }

  /** Pushes archive bytes; resolves when the extractor can take more (back-pressure). */
  async write(chunk: Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.input.write(chunk)) return;
    await Promise.race([once(this.input, 'drain'), this.done]);
    if (this.failure) throw this.failure;
  }

  /** Signals the end of the archive and waits until every file is on disk. */
  async finish(): Promise<ExtractResult> {
    this.ended = true;
    this.input.end();
    await this.done;
    return this.hoist();
  }

  /** Stops extraction and deletes the directory. */
  async abort(): Promise<void> {
    if (!this.ended) this.input.destroy();
    await this.done.catch(() => undefined);
    await rm(this.opts.dir, { recursive: true, force: true });
  }

  private async consume(entries: AsyncIterator<EntryStream>): Promise<void> {
    await mkdir(this.opts.dir, { recursive: true });
    const reserved = new Set(this.opts.reserved ?? []);
    const maxBytes = this.opts.maxBytes ?? 32 * 2 ** 30;
    let total = 0;
    for await (const entry of { [Symbol.asyncIterator]: () => entries }) {
      const { name, type } = entry.header;
      const refuse = (reason: string) =>
        new UnsafeArchiveEntryError(this.opts.archive, name, reason);
      const typeProblem = refuseEntryType(type);
      if (typeProblem) throw refuse(typeProblem);
      const rel = safeRelativePath(name);
      if (!rel.ok) throw refuse(rel.reason);
      const target = rel.path === '' ? this.opts.dir : join(this.opts.dir, rel.path);
      if (type === 'directory') {
        await mkdir(target, { recursive: true });
        entry.resume();
        continue;
      }
      if (rel.path === '') throw refuse('is a file without a name');
      if (reserved.has(rel.path)) throw refuse(`would overwrite the zoo's own ${rel.path}`);
      total += entry.header.size ?? 0;
      if (total > maxBytes) throw refuse(`takes the archive past ${maxBytes} extracted bytes`);
      await mkdir(dirname(target), { recursive: true });
      this.files.push({
        path: rel.path,
        kind: fileKind(rel.path),
        ...(await writeHashed(entry, target, refuse)),
      });
    }
  }

  private async hoist(): Promise<ExtractResult> {
    const top = await readdir(this.opts.dir, { withFileTypes: true });
    const only = top.length === 1 && top[0]!.isDirectory() ? top[0]!.name : undefined;
    const prefix = `${only}/`;
    const reserved = new Set((this.opts.reserved ?? []).map((r) => prefix + r));
    if (!only || this.files.some((f) => reserved.has(f.path))) {
      return { root: this.opts.dir, files: this.files };
    }
    return {
      root: join(this.opts.dir, only),
      files: this.files.map((f) => ({ ...f, path: f.path.slice(prefix.length) })),
    };
  }
}

/** Writes one entry with exclusive create (a duplicate entry is refused, never overwritten). */
async function writeHashed(
  entry: AsyncIterable<unknown>,
  target: string,
  refuse: (reason: string) => Error,
): Promise<{ bytes: number; sha256: string }> {
  const out = createWriteStream(target, { flags: 'wx', mode: 0o644, highWaterMark: 1 << 20 });
  const opened = new Promise<void>((resolve, reject) => {
    out.once('open', () => resolve());
    out.once('error', reject);
  });
  try {
    await opened;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST')
      throw refuse('appears twice in the archive');
    throw err;
  }
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of entry) {
    const buf = chunk as Buffer;
    hash.update(buf);
    bytes += buf.length;
    if (!out.write(buf)) await once(out, 'drain');
  }
  out.end();
  await finished(out);
  return { bytes, sha256: hash.digest('hex') };
}
