import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  assertSameClasses,
  ClassMismatchError,
  EmptyClassError,
  MissingSplitError,
  NoClassesError,
  scanImageFolder,
  scanImageNetSplit,
} from '../src/index.js';
import { makeImageNet, tempDir, writeJpeg } from './helpers.js';

describe('ImageFolder listing', () => {
  let root: string;
  beforeAll(async () => {
    root = await tempDir();
    const val = join(root, 'val');
    for (const c of ['b', 'B', 'a']) await mkdir(join(val, c), { recursive: true });
    await writeJpeg(join(val, 'a', 'z.jpg'), 8, 8, 1);
    await writeJpeg(join(val, 'a', 'Y.JPEG'), 8, 8, 2);
    await writeFile(join(val, 'a', 'notes.txt'), 'ignored');
    await mkdir(join(val, 'a', 'sub'));
    await writeJpeg(join(val, 'a', 'sub', 'x.png'), 8, 8, 3);
    await writeJpeg(join(val, 'b', 'one.webp'), 8, 8, 4);
    await writeJpeg(join(val, 'B', 'two.Tiff'), 8, 8, 5);
    await writeFile(join(val, 'stray.jpg'), 'files at the split level are not classes');
    // A symlinked class folder counts, as os.scandir's is_dir() follows links.
    await mkdir(join(root, 'elsewhere'));
    await writeJpeg(join(root, 'elsewhere', 'c.jpg'), 8, 8, 6);
    await symlink(join(root, 'elsewhere'), join(val, 'c'));
  });

  it('sorts classes and files as torchvision does, recursing into sub-folders', async () => {
    const l = await scanImageNetSplit(root, 'val');
    expect(l.classes).toEqual(['B', 'a', 'b', 'c']);
    const rel = l.samples.map((s) => [s.path.slice(l.root.length + 1), s.label]);
    expect(rel).toEqual([
      ['B/two.Tiff', 0],
      ['a/Y.JPEG', 1],
      ['a/z.jpg', 1],
      ['a/sub/x.png', 1],
      ['b/one.webp', 2],
      ['c/c.jpg', 3],
    ]);
  });

  it('names the missing split, the empty class and the folder without classes', async () => {
    await expect(scanImageNetSplit(root, 'train')).rejects.toThrow(MissingSplitError);
    await expect(scanImageNetSplit(root, 'train')).rejects.toThrow(join(root, 'train'));
    await expect(scanImageNetSplit(join(root, 'nope'), 'val')).rejects.toThrow(
      /dataset root not found/,
    );
    const empty = await tempDir();
    await expect(scanImageFolder(empty)).rejects.toThrow(NoClassesError);
    await mkdir(join(empty, 'dog'));
    await writeFile(join(empty, 'dog', 'readme.md'), '');
    const err = await scanImageFolder(empty).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EmptyClassError);
    expect((err as EmptyClassError).path).toBe(join(empty, 'dog'));
  });

  it('detects train/val class lists that disagree', async () => {
    const r = await tempDir();
    await makeImageNet(r, ['x', 'y'], 1, ['train']);
    await makeImageNet(r, ['x', 'z'], 1, ['val']);
    const [train, val] = [await scanImageNetSplit(r, 'train'), await scanImageNetSplit(r, 'val')];
    expect(() => assertSameClasses(train, train)).not.toThrow();
    expect(() => assertSameClasses(train, val)).toThrow(ClassMismatchError);
    expect(() => assertSameClasses(train, val)).toThrow(/only here: z; missing here: y/);
    await rm(r, { recursive: true });
  });
});
