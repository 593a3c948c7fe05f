// Hostile archives from the network are refused whole: nothing outside the cache, nothing installed.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTarGz, type TarEntry } from '@hawq-ts/fake-drive';
import { fetchModel } from '@hawq-ts/zoo';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fakeDrive, MODEL, runCli, tempDir, zooLeftovers } from './helpers.js';

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  tmp = await tempDir();
});
afterAll(() => tmp.cleanup());

const ok: TarEntry = { name: 'checkpoint.pth.tar', content: 'weights' };
const cases: [string, TarEntry[], RegExp][] = [
  [
    'path traversal',
    [ok, { name: '../../escaped.txt', content: 'pwned' }],
    /entry '\.\.\/\.\.\/escaped\.txt' has a '\.\.' path segment/,
  ],
  [
    'absolute path',
    [ok, { name: `${'/tmp'}/zoo-escaped-abs.txt`, content: 'pwned' }],
    /has an absolute path/,
  ],
  [
    'symlink',
    [{ name: 'checkpoint.pth.tar', type: 'symlink', linkname: '/etc/passwd' }],
    /is a symbolic link/,
  ],
  [
    'symlink then write through it',
    [
      { name: 'd', type: 'symlink', linkname: '..' },
      { name: 'd/escaped.txt', content: 'x' },
    ],
    /is a symbolic link/,
  ],
  ['hard link', [ok, { name: 'h', type: 'link', linkname: '/etc/passwd' }], /is a hard link/],
  ['device', [ok, { name: 'dev', type: 'character-device' }], /is a device file/],
  [
    'no checkpoint',
    [{ name: 'notes.txt', content: 'hi' }],
    /holds no checkpoint\.pth\.tar for resnet18_bops0\.5 \(found: notes\.txt\)/,
  ],
];

describe('hostile archives', () => {
  test.each(cases)('%s (library)', async (label, entries, message) => {
    const drive = await fakeDrive(await makeTarGz(entries), 'small');
    const root = join(tmp.dir, `lib-${label.replace(/\W+/g, '-')}`);
    const cacheDir = join(root, 'a', 'cache');
    try {
      const error = await fetchModel(MODEL, { cacheDir, driveUrl: drive.url }).catch(
        (e: unknown) => e,
      );
      expect((error as Error).message).toMatch(message);
      // Nothing was written anywhere but the (now empty) zoo folder, and no part is kept.
      expect(await readdir(root)).toEqual(['a']);
      expect(await readdir(join(root, 'a'))).toEqual(['cache']);
      expect(await readdir(join(cacheDir, 'zoo'))).toEqual([]);
      await expect(stat('/tmp/zoo-escaped-abs.txt')).rejects.toThrow();
    } finally {
      await drive.close();
    }
  });

  test('path traversal (CLI): one line, exit 1, nothing installed', async () => {
    const drive = await fakeDrive(await makeTarGz(cases[0]![1]), 'small');
    const cacheDir = join(tmp.dir, 'cli', 'cache');
    try {
      const r = await runCli(['fetch', '--quiet', MODEL], {
        HAWQ_CACHE_DIR: cacheDir,
        HAWQ_DRIVE_URL: drive.url,
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /^zoo: refusing archive resnet18_bops0\.5\.tar\.gz: entry '\.\.\/\.\.\/escaped\.txt' has a '\.\.' path segment; nothing was installed\n$/,
      );
      expect(await readdir(join(tmp.dir, 'cli'))).toEqual(['cache']);
      expect(await zooLeftovers(cacheDir)).toEqual([]);
    } finally {
      await drive.close();
    }
  });
});
