// Inter-process lock per model (proper-lockfile: an atomic mkdir, refreshed while held, taken
// over when stale), so two `zoo fetch` of one model download it once and both succeed.
import { mkdir } from 'node:fs/promises';
import lockfile from 'proper-lockfile';
import { sleep } from '../download/retry.js';
import { CacheNotWritableError, LockAbortedError } from '../errors.js';
import type { ModelPaths } from './paths.js';

export interface LockOptions {
  model: string;
  signal?: AbortSignal;
  /** Called once when another process holds the lock and we start waiting. */
  onWait?: () => void;
  /** Poll interval while waiting. */
  pollMs?: number;
}

/** A holder that stops refreshing for this long (killed, frozen) loses the lock. */
const STALE_MS = 20_000;

export async function ensureCacheDir(paths: ModelPaths): Promise<void> {
  try {
    await mkdir(paths.zooDir, { recursive: true });
  } catch (err) {
    throw new CacheNotWritableError(paths.zooDir, err);
  }
}

/** Runs `fn` while holding the model's lock; waits (abortably) while another process holds it. */
export async function withModelLock<T>(
  paths: ModelPaths,
  opts: LockOptions,
  fn: () => Promise<T>,
): Promise<T> {
  await ensureCacheDir(paths);
  let waited = false;
  let release: () => Promise<void>;
  for (;;) {
    if (opts.signal?.aborted) throw new LockAbortedError(opts.model);
    try {
      release = await lockfile.lock(paths.dir, {
        realpath: false,
        lockfilePath: paths.lock,
        stale: STALE_MS,
        update: STALE_MS / 4,
        // Losing the lock (event loop blocked past STALE_MS) must not crash the process: the
        // final install is a rename, so the worst case is that two processes both download.
        onCompromised: () => undefined,
      });
      break;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ELOCKED') throw new CacheNotWritableError(paths.zooDir, err);
      if (!waited) opts.onWait?.();
      waited = true;
      try {
        await sleep(opts.pollMs ?? 200, opts.signal);
      } catch {
        throw new LockAbortedError(opts.model);
      }
    }
  }
  try {
    return await fn();
  } finally {
    await release().catch(() => undefined);
  }
}
