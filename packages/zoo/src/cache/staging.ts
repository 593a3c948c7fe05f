// A model being installed: extracted into a hidden temporary folder beside its final place and
// renamed into place only once complete, with its manifest already inside — so
// `<cache>/zoo/<name>/` either does not exist or is a whole model, whatever happens meanwhile.
import { mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { primaryCheckpoint } from '../archive/contents.js';
import { ArchiveExtractor } from '../archive/extract.js';
import type { ArchiveConsumer } from '../download/resume.js';
import { CacheNotWritableError } from '../errors.js';
import { type Manifest, type ManifestSource, writeManifest } from '../manifest.js';
import { archiveName, isBaseline, type ZooModel } from '../registry.js';
import { MANIFEST_FILE, type ModelPaths } from './paths.js';

export class Staging implements ArchiveConsumer {
  private extractor: ArchiveExtractor;

  private constructor(
    private readonly paths: ModelPaths,
    private readonly model: ZooModel,
    private dir: string,
    private readonly label: string,
  ) {
    this.extractor = this.newExtractor();
  }

  /** Call while holding the model's lock: leftovers of killed runs are removed first. */
  static async create(
    paths: ModelPaths,
    model: ZooModel,
    label = archiveName(model),
  ): Promise<Staging> {
    await removeLeftovers(paths);
    let dir: string;
    try {
      dir = await mkdtemp(paths.tmpPrefix);
    } catch (err) {
      throw new CacheNotWritableError(paths.zooDir, err);
    }
    return new Staging(paths, model, dir, label);
  }

  write(chunk: Buffer): Promise<void> {
    return this.extractor.write(chunk);
  }

  async reset(): Promise<void> {
    await this.extractor.abort();
    this.dir = await mkdtemp(this.paths.tmpPrefix);
    this.extractor = this.newExtractor();
  }

  async abort(): Promise<void> {
    await this.extractor.abort();
  }

  /** Finishes extraction, checks for a checkpoint, writes the manifest and moves the model into place. */
  async commit(meta: {
    fileId: string;
    source: ManifestSource;
    archive: { bytes: number; sha256: string };
  }): Promise<Manifest> {
    const { root, files } = await this.extractor.finish();
    const checkpoint = primaryCheckpoint(files, {
      archive: this.label,
      model: this.model.name,
      baseline: isBaseline(this.model),
    });
    const manifest: Manifest = {
      schema: 1,
      model: this.model.name,
      fileId: meta.fileId,
      source: meta.source,
      archive: meta.archive,
      checkpoint,
      files: [...files].sort((a, b) => a.path.localeCompare(b.path)),
      installedAt: new Date().toISOString(),
    };
    await writeManifest(root, manifest);
    await replaceDir(root, this.paths);
    if (root !== this.dir) await rm(this.dir, { recursive: true, force: true });
    return manifest;
  }

  private newExtractor(): ArchiveExtractor {
    return new ArchiveExtractor({ dir: this.dir, archive: this.label, reserved: [MANIFEST_FILE] });
  }
}

/** Moves `source` to `paths.dir`, first moving any previous install aside (rename is atomic). */
async function replaceDir(source: string, paths: ModelPaths): Promise<void> {
  const old = `${paths.tmpPrefix}old-${process.pid}-${Date.now()}`;
  const hadOld = await exists(paths.dir);
  if (hadOld) await rename(paths.dir, old);
  await rename(source, paths.dir);
  if (hadOld) await rm(old, { recursive: true, force: true });
}

/** Temporary folders of runs that were killed (their lock is gone, we hold it now). */
export async function removeLeftovers(paths: ModelPaths): Promise<void> {
  const prefix = basename(paths.tmpPrefix);
  let names: string[];
  try {
    names = await readdir(dirname(paths.tmpPrefix));
  } catch {
    return;
  }
  await Promise.all(
    names
      .filter((n) => n.startsWith(prefix))
      .map((n) => rm(join(dirname(paths.tmpPrefix), n), { recursive: true, force: true })),
  );
}

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
