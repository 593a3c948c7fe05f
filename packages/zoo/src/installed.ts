// What is installed: `zoo list`'s status column and `zoo path`.
import { cacheRoot, type ModelPaths, modelPaths } from './cache/paths.js';
import { exists } from './cache/staging.js';
import { ManifestError, NotInstalledError } from './errors.js';
import type { ZooOptions } from './events.js';
import { type Manifest, readManifest } from './manifest.js';
import { resolveModel } from './names.js';
import { ZOO_MODELS, type ZooModel } from './registry.js';

export interface ModelStatus extends ZooModel {
  installed: boolean;
  /** Where the model is (or would be) installed. */
  dir: string;
  /** A .part download is waiting to be resumed. */
  partial: boolean;
}

/** The manifest of an installed model; undefined when absent or unreadable (then: not installed). */
export async function installedManifest(paths: ModelPaths): Promise<Manifest | undefined> {
  if (!(await exists(paths.manifest))) return undefined;
  try {
    return await readManifest(paths.manifest);
  } catch (err) {
    if (err instanceof ManifestError) return undefined;
    throw err;
  }
}

export async function listModels(opts: Pick<ZooOptions, 'cacheDir'> = {}): Promise<ModelStatus[]> {
  const root = opts.cacheDir ?? cacheRoot();
  return Promise.all(
    ZOO_MODELS.map(async (m) => {
      const paths = modelPaths(m.name, root);
      return {
        ...m,
        installed: await exists(paths.manifest),
        dir: paths.dir,
        partial: await exists(paths.part),
      };
    }),
  );
}

/** The installed model's directory; throws NotInstalledError (with the fetch command) otherwise. */
export async function modelDir(
  name: string,
  opts: Pick<ZooOptions, 'cacheDir'> = {},
): Promise<string> {
  const model = resolveModel(name);
  const paths = modelPaths(model.name, opts.cacheDir ?? cacheRoot());
  if (!(await exists(paths.manifest))) throw new NotInstalledError(model.name, paths.dir);
  return paths.dir;
}

/** The installed model's manifest (throws NotInstalledError / ManifestError). */
export async function modelManifest(
  name: string,
  opts: Pick<ZooOptions, 'cacheDir'> = {},
): Promise<Manifest> {
  const model = resolveModel(name);
  const paths = modelPaths(model.name, opts.cacheDir ?? cacheRoot());
  if (!(await exists(paths.manifest))) throw new NotInstalledError(model.name, paths.dir);
  return readManifest(paths.manifest);
}
