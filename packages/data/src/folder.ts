// torchvision's ImageFolder file listing: class = sub-folder name, classes sorted by code point,
// files found recursively (following symlinks) in sorted folders, extension check case-insensitive.
import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ClassMismatchError,
  EmptyClassError,
  MissingSplitError,
  NoClassesError,
} from './errors.js';
import { compareCodePoints } from './pymath.js';

/** torchvision's IMG_EXTENSIONS. */
export const IMAGE_EXTENSIONS = [
  '.jpg',
  '.jpeg',
  '.png',
  '.ppm',
  '.bmp',
  '.pgm',
  '.tif',
  '.tiff',
  '.webp',
] as const;

/** One image and its class index. */
export interface Sample {
  readonly path: string;
  readonly label: number;
}

/** The listing of one ImageFolder: what `datasets.ImageFolder(root)` holds in `classes` and `samples`. */
export interface ImageFolderListing {
  readonly root: string;
  readonly classes: readonly string[];
  readonly samples: readonly Sample[];
}

export type Split = 'train' | 'val';

/** Lists an ImageFolder root. Throws if it is missing, has no class folders, or a class is empty. */
export async function scanImageFolder(root: string): Promise<ImageFolderListing> {
  const entries = await readDirOrThrow(root);
  const classes: string[] = [];
  for (const e of entries) if (await isDirectory(root, e)) classes.push(e.name);
  classes.sort(compareCodePoints);
  if (classes.length === 0) throw new NoClassesError(root);
  const samples: Sample[] = [];
  for (const [label, name] of classes.entries()) {
    const dir = join(root, name);
    const files = await listImagesRecursive(dir);
    if (files.length === 0) throw new EmptyClassError(dir, IMAGE_EXTENSIONS);
    for (const path of files) samples.push({ path, label });
  }
  return { root, classes, samples };
}

/** Lists `ROOT/train` or `ROOT/val` of an ImageNet-layout folder. */
export async function scanImageNetSplit(root: string, split: Split): Promise<ImageFolderListing> {
  const rootStat = await stat(root).catch(() => undefined);
  if (!rootStat?.isDirectory()) throw new MissingSplitError(root, 'dataset root');
  const dir = join(root, split);
  const s = await stat(dir).catch(() => undefined);
  if (!s?.isDirectory()) throw new MissingSplitError(dir, `${split}/ folder`);
  return scanImageFolder(dir);
}

/** Throws unless both splits have the same classes in the same order (labels must agree). */
export function assertSameClasses(train: ImageFolderListing, val: ImageFolderListing): void {
  const a = new Set(train.classes);
  const b = new Set(val.classes);
  const onlyVal = val.classes.filter((c) => !a.has(c));
  const onlyTrain = train.classes.filter((c) => !b.has(c));
  if (onlyVal.length > 0 || onlyTrain.length > 0) {
    const parts: string[] = [];
    if (onlyVal.length > 0) parts.push(`only here: ${preview(onlyVal)}`);
    if (onlyTrain.length > 0) parts.push(`missing here: ${preview(onlyTrain)}`);
    throw new ClassMismatchError(val.root, parts.join('; '));
  }
}

function preview(names: string[]): string {
  return names.length <= 5
    ? names.join(', ')
    : `${names.slice(0, 5).join(', ')} and ${names.length - 5} more`;
}

async function readDirOrThrow(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new MissingSplitError(dir);
    throw err;
  }
}

// Dirent.isDirectory() is false for a symlink to a folder; Python's entry.is_dir() follows links.
async function isDirectory(parent: string, e: Dirent): Promise<boolean> {
  if (e.isDirectory()) return true;
  if (!e.isSymbolicLink()) return false;
  const s = await stat(join(parent, e.name)).catch(() => undefined);
  return s?.isDirectory() ?? false;
}

function hasImageExtension(name: string): boolean {
  const lower = name.toLowerCase();
  return IMAGE_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/**
 * `sorted(os.walk(dir, followlinks=True))` then sorted file names: folders in code-point order of
 * their full path, each folder's files sorted. Symlink cycles are skipped (os.walk would loop).
 */
async function listImagesRecursive(top: string): Promise<string[]> {
  const folders: { path: string; files: string[] }[] = [];
  const seen = new Set<string>();
  const walk = async (dir: string): Promise<void> => {
    const real = await realpath(dir);
    if (seen.has(real)) return;
    seen.add(real);
    const entries = await readdir(dir, { withFileTypes: true });
    const files: string[] = [];
    const subdirs: string[] = [];
    for (const e of entries) {
      if (await isDirectory(dir, e)) subdirs.push(join(dir, e.name));
      else if (hasImageExtension(e.name)) files.push(e.name);
    }
    folders.push({ path: dir, files });
    for (const d of subdirs) await walk(d);
  };
  await walk(top);
  folders.sort((a, b) => compareCodePoints(a.path, b.path));
  const out: string[] = [];
  for (const f of folders) {
    f.files.sort(compareCodePoints);
    for (const name of f.files) out.push(join(f.path, name));
  }
  return out;
}
