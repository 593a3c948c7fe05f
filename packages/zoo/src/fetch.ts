// `fetchModel`: lock, reuse an existing install, else download (resumable) + extract + manifest.
import { rm } from 'node:fs/promises';
import type { Dispatcher } from 'undici';
import { withModelLock } from './cache/lock.js';
import { cacheRoot, modelPaths } from './cache/paths.js';
import { exists, Staging } from './cache/staging.js';
import { transfer } from './download/resume.js';
import { defaultRetryPolicy, type RetryPolicy } from './download/retry.js';
import { DRIVE_ORIGIN, firstRequestUrl } from './drive/url.js';
import {
  CorruptArchiveError,
  DownloadAbortedError,
  MissingCheckpointError,
  UnsafeArchiveEntryError,
} from './errors.js';
import type { ZooOptions } from './events.js';
import { installedManifest } from './installed.js';
import type { Manifest } from './manifest.js';
import { resolveModel } from './names.js';

export interface FetchOptions extends ZooOptions {
  /** Replaces https://drive.google.com in the first request; default $HAWQ_DRIVE_URL. */
  driveUrl?: string;
  /** Download again even when installed. */
  force?: boolean;
  retry?: Partial<RetryPolicy>;
  /** Virus-scan confirm pages to follow before giving up (default 3). */
  maxConfirmRounds?: number;
  userAgent?: string;
  dispatcher?: Dispatcher;
}

export interface FetchResult {
  model: string;
  dir: string;
  manifest: Manifest;
  /** True when the model was already installed and nothing was downloaded. */
  cached: boolean;
  /** Bytes received over the network by this call. */
  downloadedBytes: number;
}

export async function fetchModel(name: string, opts: FetchOptions = {}): Promise<FetchResult> {
  const model = resolveModel(name);
  const paths = modelPaths(model.name, opts.cacheDir ?? cacheRoot());
  const emit = opts.onEvent ?? (() => undefined);
  const origin = opts.driveUrl ?? (process.env.HAWQ_DRIVE_URL || DRIVE_ORIGIN);

  return withModelLock(
    paths,
    {
      model: model.name,
      signal: opts.signal,
      onWait: () => emit({ model: model.name, type: 'lock-wait' }),
    },
    async () => {
      if (!opts.force) {
        const manifest = await installedManifest(paths);
        if (manifest) {
          emit({ model: model.name, type: 'cached', dir: paths.dir });
          return { model: model.name, dir: paths.dir, manifest, cached: true, downloadedBytes: 0 };
        }
      }
      const staging = await Staging.create(paths, model);
      try {
        const result = await transfer({
          context: { fileId: model.fileId, model: model.name },
          startUrl: firstRequestUrl({ id: model.fileId, kind: 'file' }, origin),
          partFile: paths.part,
          consumer: staging,
          retry: { ...defaultRetryPolicy(), ...opts.retry },
          maxConfirmRounds: opts.maxConfirmRounds,
          userAgent: opts.userAgent,
          dispatcher: opts.dispatcher,
          signal: opts.signal,
          onEvent: (e) => emit({ model: model.name, ...e }),
        });
        const manifest = await staging.commit({
          fileId: model.fileId,
          source: {
            kind: 'drive',
            url: result.url,
            ...(result.filename ? { filename: result.filename } : {}),
          },
          archive: { bytes: result.bytes, sha256: result.sha256 },
        });
        await rm(paths.part, { force: true });
        emit({
          model: model.name,
          type: 'installed',
          dir: paths.dir,
          bytes: result.bytes,
          sha256: result.sha256,
        });
        return {
          model: model.name,
          dir: paths.dir,
          manifest,
          cached: false,
          downloadedBytes: result.bytes - result.resumedFrom,
        };
      } catch (err) {
        await staging.abort();
        // A bad archive will not get better by resuming it: drop it so the next try starts clean.
        if (
          err instanceof UnsafeArchiveEntryError ||
          err instanceof CorruptArchiveError ||
          err instanceof MissingCheckpointError
        ) {
          await rm(paths.part, { force: true });
        }
        if (opts.signal?.aborted) {
          throw new DownloadAbortedError(
            model.name,
            (await exists(paths.part)) ? paths.part : undefined,
          );
        }
        throw err;
      }
    },
  );
}
