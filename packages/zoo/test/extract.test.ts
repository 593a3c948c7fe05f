import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  ArchiveExtractor,
  CorruptArchiveError,
  cacheRoot,
  importArchive,
  modelPaths,
  UnsafeArchiveEntryError,
} from '../src/index.js';
import { sha256File } from '../src/verify.js';
import { type Entry, tarGz } from './helpers.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

let work: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'zoo-extract-'));
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

async function extract(archive: Buffer, chunk = 7) {
  const dir = join(work, 'out', 'target');
  const x = new ArchiveExtractor({ dir, archive: 'test.tar.gz', reserved: ['manifest.json'] });
  // Feed in small pieces, as the network would.
  for (let i = 0; i < archive.length; i += chunk) await x.write(archive.subarray(i, i + chunk));
  return { dir, result: await x.finish() };
}

describe('streaming extraction', () => {
  test('hashes every file and hoists a single top-level folder', async () => {
    const archive = await tarGz([
      { name: 'resnet18_uniform8/', type: 'directory' },
      { name: 'resnet18_uniform8/checkpoint.pth.tar', content: 'ckpt' },
      { name: './resnet18_uniform8/sub/quantized_checkpoint.pth.tar', content: 'q' },
    ]);
    const { dir, result } = await extract(archive);
    expect(result.root).toBe(join(dir, 'resnet18_uniform8'));
    expect(result.files).toEqual([
      { path: 'checkpoint.pth.tar', kind: 'hawq-checkpoint', bytes: 4, sha256: sha256('ckpt') },
      {
        path: 'sub/quantized_checkpoint.pth.tar',
        kind: 'hawq-quantized-checkpoint',
        bytes: 1,
        sha256: sha256('q'),
      },
    ]);
    expect(await readFile(join(result.root, 'checkpoint.pth.tar'), 'utf8')).toBe('ckpt');
  });

  test.each<[string, Entry[], RegExp]>([
    ['parent traversal', [{ name: '../evil.txt', content: 'x' }], /'\.\.' path segment/],
    ['nested traversal', [{ name: 'a/../../evil.txt', content: 'x' }], /'\.\.' path segment/],
    ['absolute path', [{ name: '/tmp/evil.txt', content: 'x' }], /absolute path/],
    ['symlink', [{ name: 'link', type: 'symlink', linkname: '/etc/passwd' }], /symbolic link/],
    ['hard link', [{ name: 'hard', type: 'link', linkname: 'checkpoint.pth.tar' }], /hard link/],
    ['device', [{ name: 'dev', type: 'character-device' }], /device file/],
    ['fifo', [{ name: 'pipe', type: 'fifo' }], /FIFO/],
    [
      'duplicate',
      [
        { name: 'a', content: '1' },
        { name: 'a', content: '2' },
      ],
      /appears twice/,
    ],
    ['reserved name', [{ name: 'manifest.json', content: '{}' }], /zoo's own manifest.json/],
  ])('refuses %s and writes nothing outside', async (_label, entries, message) => {
    const archive = await tarGz([{ name: 'checkpoint.pth.tar', content: 'ok' }, ...entries]);
    const error = await extract(archive).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(UnsafeArchiveEntryError);
    expect((error as Error).message).toMatch(message);
    expect(await readdir(work)).toEqual(['out']);
    expect(await readdir(join(work, 'out'))).toEqual(['target']);
  });

  test('a corrupt gzip is a CorruptArchiveError; abort removes the folder', async () => {
    const archive = await tarGz([{ name: 'checkpoint.pth.tar', content: 'x'.repeat(5000) }]);
    archive[archive.length - 20]! ^= 0xff;
    await expect(extract(archive)).rejects.toThrow(CorruptArchiveError);
    const x = new ArchiveExtractor({ dir: join(work, 'gone'), archive: 'a' });
    await x.write(archive.subarray(0, 10));
    await x.abort();
    expect(await readdir(work)).not.toContain('gone');
  });
});

describe('importArchive', () => {
  test('installs atomically with a manifest; refuses an archive without a checkpoint', async () => {
    const cacheDir = join(work, 'cache');
    const good = join(work, 'good.tar.gz');
    await writeFile(good, await tarGz([{ name: 'm/checkpoint.pth.tar', content: 'weights' }]));
    const r = await importArchive('resnet18_bops_0.5', good, { cacheDir });
    expect(r.dir).toBe(modelPaths('resnet18_bops0.5', cacheDir).dir);
    expect(r.manifest.checkpoint).toBe('checkpoint.pth.tar');
    expect(r.manifest.archive.sha256).toBe(await sha256File(good));
    expect((await readdir(r.dir)).sort()).toEqual(['checkpoint.pth.tar', 'manifest.json']);

    const bad = join(work, 'bad.tar.gz');
    await writeFile(bad, await tarGz([{ name: 'README', content: 'no weights here' }]));
    await expect(importArchive('resnet18_uniform4', bad, { cacheDir })).rejects.toThrow(
      /bad\.tar\.gz holds no checkpoint\.pth\.tar for resnet18_uniform4 \(found: README\)/,
    );
    // Baselines accept PyTorchCV weights.
    const pcv = join(work, 'pcv.tar.gz');
    await writeFile(pcv, await tarGz([{ name: 'resnet18-0982-0126861b.pth', content: 'w' }]));
    const b = await importArchive('resnet18_baseline', pcv, { cacheDir });
    expect(b.manifest.files[0]).toMatchObject({
      path: 'resnet18-0982-0126861b.pth',
      kind: 'pytorchcv-weights',
    });
    // Nothing but the two installs and the lock-free zoo folder is left.
    expect((await readdir(join(cacheDir, 'zoo'))).sort()).toEqual([
      'resnet18_baseline',
      'resnet18_bops0.5',
    ]);
  });
});

describe('cache location', () => {
  test('$HAWQ_CACHE_DIR, then $XDG_CACHE_HOME/hawq, then ~/.cache/hawq', () => {
    expect(cacheRoot({ HAWQ_CACHE_DIR: '/a', XDG_CACHE_HOME: '/b' })).toBe('/a');
    expect(cacheRoot({ XDG_CACHE_HOME: '/b' })).toBe('/b/hawq');
    expect(cacheRoot({})).toMatch(/\/\.cache\/hawq$/);
  });
});
