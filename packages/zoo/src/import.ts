// `zoo import NAME FILE.tar.gz`: install an archive the user downloaded by hand (Drive quota),
// through the same checks, manifest and atomic install as a download.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { withModelLock } from './cache/lock.js';
import { cacheRoot, modelPaths } from './cache/paths.js';
import { Staging } from './cache/staging.js';
import { ImportFileError, ZooError } from './errors.js';
import type { ZooOptions } from './events.js';
import type { Manifest } from './manifest.js';
import { resolveModel } from './names.js';

export interface ImportResult {
  model: string;
  dir: string;
  manifest: Manifest;
}

export async function importArchive(
  name: string,
  file: string,
  opts: ZooOptions = {},
): Promise<ImportResult> {
  const model = resolveModel(name);
  const source = resolve(file);
  try {
    const info = await stat(source);
    if (!info.isFile()) throw new Error('not a regular file');
  } catch (err) {
    throw new ImportFileError(file, err);
  }
  const paths = modelPaths(model.name, opts.cacheDir ?? cacheRoot());
  return withModelLock(paths, { model: model.name, signal: opts.signal }, async () => {
    const staging = await Staging.create(paths, model, basename(source));
    try {
      const hash = createHash('sha256');
      let bytes = 0;
      try {
        for await (const chunk of createReadStream(source, {
          highWaterMark: 1 << 20,
          signal: opts.signal,
        })) {
          hash.update(chunk as Buffer);
          bytes += (chunk as Buffer).length;
          await staging.write(chunk as Buffer);
        }
      } catch (err) {
        if (err instanceof ZooError) throw err;
        throw new ImportFileError(file, err);
      }
      const manifest = await staging.commit({
        fileId: model.fileId,
        source: { kind: 'import', file: source },
        archive: { bytes, sha256: hash.digest('hex') },
      });
      // A half-finished download of the same model is now pointless.
      await rm(paths.part, { force: true });
      opts.onEvent?.({
        model: model.name,
        type: 'installed',
        dir: paths.dir,
        bytes,
        sha256: manifest.archive.sha256,
      });
      return { model: model.name, dir: paths.dir, manifest };
    } catch (err) {
      await staging.abort();
      throw err;
    }
  });
}
