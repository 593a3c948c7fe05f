// `zoo rm`: delete an installed model and any partial download of it.
import { rm } from 'node:fs/promises';
import { withModelLock } from './cache/lock.js';
import { cacheRoot, modelPaths } from './cache/paths.js';
import { exists, removeLeftovers } from './cache/staging.js';
import type { ZooOptions } from './events.js';
import { resolveModel } from './names.js';

export interface RemoveResult {
  model: string;
  dir: string;
  /** False when there was nothing to remove. */
  removed: boolean;
}

export async function removeModel(name: string, opts: ZooOptions = {}): Promise<RemoveResult> {
  const model = resolveModel(name);
  const paths = modelPaths(model.name, opts.cacheDir ?? cacheRoot());
  return withModelLock(paths, { model: model.name, signal: opts.signal }, async () => {
    const removed = (await exists(paths.dir)) || (await exists(paths.part));
    await rm(paths.dir, { recursive: true, force: true });
    await rm(paths.part, { force: true });
    await removeLeftovers(paths);
    return { model: model.name, dir: paths.dir, removed };
  });
}
