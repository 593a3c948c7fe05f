// The resumable transfer: bytes go to `<name>.tar.gz.part` (kept across failures and Ctrl-C), into
// a sha256 and into the archive consumer, in one pass. A retry or a later run asks for the tail
// with `Range: bytes=N-` and appends only on a 206 whose Content-Range starts at N; any other
// answer restarts from byte 0 (never appends a full body).
import { createHash, type Hash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { stat, writeFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Dispatcher } from 'undici';
import { drop, openDriveFile } from '../drive/client.js';
import { CookieJar } from '../drive/cookies.js';
import {
  CacheNotWritableError,
  type DriveContext,
  DriveHttpError,
  NetworkError,
  RetriesExhaustedError,
  TruncatedDownloadError,
  ZooError,
} from '../errors.js';
import { parseContentRange } from './content-range.js';
import { backoffDelay, type RetryPolicy, sleep } from './retry.js';

/** Receives the archive's bytes in order from byte 0. */
export interface ArchiveConsumer {
  write(chunk: Buffer): Promise<void>;
  /** Forget everything received so far: the transfer restarts from byte 0. */
  reset(): Promise<void>;
}

export type TransferEvent =
  | { type: 'request'; url: string; range?: string }
  | { type: 'start'; offset: number; total?: number }
  | { type: 'progress'; bytes: number; total?: number }
  | { type: 'restart'; reason: string }
  | { type: 'retry'; failures: number; delayMs: number; reason: string };

export interface TransferOptions {
  context: DriveContext;
  startUrl: string;
  partFile: string;
  consumer: ArchiveConsumer;
  retry: RetryPolicy;
  maxConfirmRounds?: number;
  userAgent?: string;
  dispatcher?: Dispatcher;
  signal?: AbortSignal;
  onEvent?: (event: TransferEvent) => void;
}

export interface TransferResult {
  bytes: number;
  sha256: string;
  /** The URL that finally served the file. */
  url: string;
  filename?: string;
  /** Bytes that a previous run left in the .part file and that were kept (0 after a restart). */
  resumedFrom: number;
}

export async function transfer(opts: TransferOptions): Promise<TransferResult> {
  const emit = opts.onEvent ?? (() => undefined);
  const jar = new CookieJar();
  let onDisk = await partSize(opts.partFile);
  let kept = onDisk; // bytes of a previous run's part that this transfer keeps
  let fed = 0; // bytes of the part already pushed through hash + consumer by this process
  let hash: Hash = createHash('sha256');
  let failures = 0;

  const restart = async (reason: string) => {
    emit({ type: 'restart', reason });
    await writeFile(opts.partFile, '');
    if (fed > 0) await opts.consumer.reset();
    onDisk = 0;
    kept = 0;
    fed = 0;
    hash = createHash('sha256');
  };
  /** Catches up hash + consumer with bytes a previous run left in the part file. */
  const replay = async () => {
    if (fed >= onDisk) return;
    for await (const chunk of createReadStream(opts.partFile, { start: fed, end: onDisk - 1 })) {
      hash.update(chunk as Buffer);
      await opts.consumer.write(chunk as Buffer);
    }
    fed = onDisk;
  };

  for (;;) {
    const before = onDisk;
    let ctx = opts.context;
    try {
      const answer = await openDriveFile({
        context: opts.context,
        startUrl: opts.startUrl,
        offset: onDisk,
        jar,
        maxConfirmRounds: opts.maxConfirmRounds,
        userAgent: opts.userAgent,
        dispatcher: opts.dispatcher,
        signal: opts.signal,
        onRequest: (url, range) => emit({ type: 'request', url, ...(range ? { range } : {}) }),
      });
      ctx = { ...opts.context, url: answer.url };
      if (answer.kind === 'range-not-satisfiable') {
        // 416 for `bytes=N-` with N = size: a previous run got everything but did not finish.
        if (answer.total === onDisk) {
          await replay();
          return { bytes: onDisk, sha256: hash.digest('hex'), url: answer.url, resumedFrom: kept };
        }
        await restart(`server cannot serve bytes ${onDisk}- (416); starting over`);
        continue;
      }
      const { body, headers } = answer;
      const length = numberHeader(headers['content-length']);
      let total: number | undefined;
      if (answer.rangeSent && answer.status === 206) {
        const range = parseContentRange(headerText(headers['content-range']));
        if (!range || range.start !== onDisk) {
          drop(body);
          await restart(
            `206 with Content-Range '${headerText(headers['content-range']) ?? ''}' for bytes=${onDisk}-; starting over`,
          );
          continue;
        }
        total = range.total ?? (length !== undefined ? onDisk + length : undefined);
        await replay();
      } else {
        if (onDisk > 0 || fed > 0) {
          await restart(
            `server ignored Range: bytes=${onDisk}- (HTTP ${answer.status}); starting over`,
          );
        }
        total = length;
      }
      emit({ type: 'start', offset: onDisk, ...(total !== undefined ? { total } : {}) });
      try {
        await pump(body, opts.partFile, {
          onChunk(chunk) {
            hash.update(chunk);
            onDisk += chunk.length;
            fed = onDisk;
            emit({ type: 'progress', bytes: onDisk, ...(total !== undefined ? { total } : {}) });
          },
          consumer: opts.consumer,
        });
      } catch (err) {
        if (err instanceof ZooError || opts.signal?.aborted) throw err;
        if (total !== undefined && onDisk < total)
          throw new TruncatedDownloadError(ctx, onDisk, total);
        throw new NetworkError(ctx, err);
      }
      if (total !== undefined && onDisk !== total)
        throw new TruncatedDownloadError(ctx, onDisk, total);
      const filename = answer.filename;
      return {
        bytes: onDisk,
        sha256: hash.digest('hex'),
        url: answer.url,
        resumedFrom: kept,
        ...(filename ? { filename } : {}),
      };
    } catch (err) {
      if (opts.signal?.aborted) throw opts.signal.reason;
      if (!(err instanceof ZooError) || !err.retryable) throw err;
      // Drive cuts long transfers; a failure after progress does not count against the budget.
      if (onDisk > before) failures = 0;
      failures += 1;
      if (failures >= opts.retry.attempts) throw new RetriesExhaustedError(ctx, failures, err);
      const delayMs = backoffDelay(
        opts.retry,
        failures,
        err instanceof DriveHttpError ? err.retryAfterMs : undefined,
      );
      emit({ type: 'retry', failures, delayMs, reason: err.message });
      await sleep(delayMs, opts.signal);
    }
  }
}

/** Appends the body to the part file and hands each chunk to the consumer; flushes on any exit. */
async function pump(
  body: Readable,
  partFile: string,
  sink: { onChunk(chunk: Buffer): void; consumer: ArchiveConsumer },
): Promise<void> {
  const out = createWriteStream(partFile, { flags: 'a', highWaterMark: 1 << 20 });
  let writeError: unknown;
  out.on('error', (err) => {
    writeError = err;
  });
  let failure: { error: unknown } | undefined;
  try {
    for await (const chunk of body) {
      const buf = chunk as Buffer;
      out.write(buf);
      sink.onChunk(buf);
      await sink.consumer.write(buf);
      // Checked after the consumer's await: 'drain' may already have fired meanwhile.
      if (out.writableNeedDrain) await once(out, 'drain');
    }
  } catch (error) {
    failure = { error };
  }
  drop(body);
  out.end();
  await finished(out).catch(() => undefined);
  if (writeError) throw new CacheNotWritableError(partFile, writeError);
  if (failure) throw failure.error;
}

async function partSize(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

function headerText(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function numberHeader(v: string | string[] | undefined): number | undefined {
  const text = headerText(v);
  return text !== undefined && /^\d+$/.test(text.trim()) ? Number(text) : undefined;
}
