// The real CLI, spawned as users run it: list, path, verify, import, rm, --all, and bad input.
import { appendFile, mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { filesFromDir, makeDemoArchives, startFakeDrive } from '@hawq-ts/fake-drive';
import { ZOO_MODELS } from '@hawq-ts/zoo';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { archive, FILE_ID, fakeDrive, MODEL, runCli, sha256, tempDir } from './helpers.js';

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  tmp = await tempDir();
});
afterAll(() => tmp.cleanup());

describe('zoo CLI', () => {
  test('list --json prints exactly the JSON document; list prints the table', async () => {
    const env = { HAWQ_CACHE_DIR: join(tmp.dir, 'list') };
    const json = await runCli(['list', '--json'], env);
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout) as { name: string; installed: boolean; fileId: string }[];
    expect(doc.map((m) => m.name)).toEqual(ZOO_MODELS.map((m) => m.name));
    expect(doc.every((m) => m.installed === false)).toBe(true);
    expect(doc.find((m) => m.name === MODEL)?.fileId).toBe(FILE_ID);
    const text = await runCli(['list'], env);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(28);
    expect(lines[0]).toMatch(
      /^name\s+arch\s+scheme\s+bit config\s+size MB\s+GBOPS\s+speed-up\s+top-1 %\s+status$/,
    );
    expect(lines.find((l) => l.startsWith('resnet18_bops0.5 '))).toMatch(
      /resnet18\s+Mixed Precision Medium BOPS\s+bops_0\.5\s+6\.7\s+72\s+3\.63x\s+70\.22\s+-$/,
    );
    expect(lines.find((l) => l.startsWith('resnet101b_baseline '))).toMatch(
      /170\.0\s+8018\s+-\s+79\.41\s+-$/,
    );
  });

  test('unknown model: nearest names, exit 1, nothing on stdout', async () => {
    const r = await runCli(['fetch', 'resnet18_bops05'], {
      HAWQ_CACHE_DIR: join(tmp.dir, 'unknown'),
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      "zoo: unknown model 'resnet18_bops05'; did you mean resnet18_bops0.5, resnet18_bops0.25, resnet18_bops0.75? (`pnpm zoo list` shows all 27)\n",
    );
  });

  test('unwritable cache directory: one clear line, exit 1', async () => {
    const file = join(tmp.dir, 'a-file');
    await writeFile(file, 'not a directory');
    const drive = await fakeDrive((await archive()).bytes, 'small');
    try {
      const r = await runCli(['fetch', MODEL], {
        HAWQ_CACHE_DIR: join(file, 'cache'),
        HAWQ_DRIVE_URL: drive.url,
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /^zoo: cannot write to the zoo cache .*a-file\/cache\/zoo \(ENOTDIR: .*\); set HAWQ_CACHE_DIR to a writable directory\n$/,
      );
      expect(drive.requestLog).toHaveLength(0);
    } finally {
      await drive.close();
    }
  });

  test('fetch, path, verify (ok, then damaged), rm', async () => {
    const { bytes } = await archive();
    const drive = await fakeDrive(bytes, 'large');
    const cacheDir = join(tmp.dir, 'cycle');
    const env = { HAWQ_CACHE_DIR: cacheDir, HAWQ_DRIVE_URL: drive.url };
    try {
      const missing = await runCli(['path', MODEL], env);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(
        /^zoo: resnet18_bops0\.5 is not installed in .*; run `pnpm zoo fetch resnet18_bops0\.5`\n$/,
      );

      const fetched = await runCli(['fetch', '--json', 'resnet18_bops_0.5'], env);
      expect(fetched.code).toBe(0);
      const doc = JSON.parse(fetched.stdout) as { ok: boolean; models: Record<string, unknown>[] };
      expect(doc.ok).toBe(true);
      expect(doc.models[0]).toMatchObject({
        model: MODEL,
        ok: true,
        cached: false,
        sha256: sha256(bytes),
        bytes: bytes.length,
      });

      const path = await runCli(['path', 'RESNET18_BOPS0.5'], env);
      expect(path.stdout).toBe(`${join(cacheDir, 'zoo', MODEL)}\n`);
      expect(path.stderr).toBe('');

      const ok = await runCli(['verify', MODEL], env);
      expect([ok.code, ok.stdout]).toEqual([
        0,
        'ok resnet18_bops0.5: 1 file(s) match the manifest\n',
      ]);

      await appendFile(join(cacheDir, 'zoo', MODEL, 'checkpoint.pth.tar'), 'x');
      const bad = await runCli(['verify', '--json', MODEL], env);
      expect(bad.code).toBe(1);
      expect(JSON.parse(bad.stdout)[0].files[0]).toMatchObject({
        path: 'checkpoint.pth.tar',
        status: 'size-mismatch',
      });
      expect(bad.stderr).toMatch(
        /checkpoint\.pth\.tar size-mismatch .*\nzoo: resnet18_bops0\.5 is damaged .*fetch --force/,
      );

      const rm = await runCli(['rm', MODEL], env);
      expect(rm.code).toBe(0);
      await expect(stat(join(cacheDir, 'zoo', MODEL))).rejects.toThrow();
      expect((await runCli(['path', MODEL], env)).code).toBe(1);
    } finally {
      await drive.close();
    }
  });

  test('import installs a hand-downloaded archive; a bad file is refused', async () => {
    const { bytes } = await archive();
    const file = join(tmp.dir, 'resnet18_bops0.5.tar.gz');
    await writeFile(file, bytes);
    const env = { HAWQ_CACHE_DIR: join(tmp.dir, 'import') };
    const r = await runCli(['import', MODEL, file], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${join(tmp.dir, 'import', 'zoo', MODEL)}\n`);
    expect((await runCli(['verify', MODEL], env)).code).toBe(0);
    const missing = await runCli(['import', MODEL, join(tmp.dir, 'nope.tar.gz')], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^zoo: cannot read .*nope\.tar\.gz: ENOENT/);
    const notGz = join(tmp.dir, 'plain.txt');
    await writeFile(notGz, 'hello');
    const corrupt = await runCli(['import', 'resnet18_uniform4', notGz], env);
    expect(corrupt.code).toBe(1);
    expect(corrupt.stderr).toMatch(/^zoo: plain\.txt is not a valid \.tar\.gz archive: /);
  });

  test('fetch --all installs the 27 demo archives, then finds them cached', async () => {
    const demo = join(tmp.dir, 'demo');
    await makeDemoArchives(demo);
    const drive = await startFakeDrive({ files: await filesFromDir(demo, 'small') });
    const env = { HAWQ_CACHE_DIR: join(tmp.dir, 'all'), HAWQ_DRIVE_URL: drive.url };
    try {
      const r = await runCli(['fetch', '--all', '--json', '--quiet'], env);
      expect(r.code).toBe(0);
      const doc = JSON.parse(r.stdout) as {
        ok: boolean;
        models: { ok: boolean; cached: boolean }[];
      };
      expect(doc.ok).toBe(true);
      expect(doc.models).toHaveLength(27);
      expect(doc.models.every((m) => m.ok && !m.cached)).toBe(true);
      expect((await readdir(join(tmp.dir, 'all', 'zoo'))).sort()).toEqual(
        ZOO_MODELS.map((m) => m.name).sort(),
      );
      const again = await runCli(['fetch', 'resnet18_uniform8', 'inceptionv3_baseline'], env);
      expect(again.code).toBe(0);
      expect(again.stderr.match(/already installed/g)).toHaveLength(2);
      const list = JSON.parse((await runCli(['list', '--json'], env)).stdout) as {
        installed: boolean;
      }[];
      expect(list.every((m) => m.installed)).toBe(true);
    } finally {
      await drive.close();
    }
  });

  test('usage errors exit non-zero', async () => {
    const env = { HAWQ_CACHE_DIR: join(tmp.dir, 'usage') };
    await mkdir(env.HAWQ_CACHE_DIR, { recursive: true });
    const none = await runCli(['fetch'], env);
    expect([none.code, none.stderr]).toEqual([
      2,
      'zoo: give at least one model name, or --all (see `pnpm zoo --help`)\n',
    ]);
    const both = await runCli(['fetch', '--all', MODEL], env);
    expect(both.code).toBe(2);
    expect((await runCli(['frobnicate'], env)).code).not.toBe(0);
  });
});
