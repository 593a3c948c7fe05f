// Resume rules: append only after a 206 whose Content-Range starts at the .part size; any other
// answer restarts from byte 0. Plus Ctrl-C in the middle of a real CLI download, then resume.
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fetchModel } from '@hawq-ts/zoo';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  archive,
  fakeDrive,
  fileResponses,
  MODEL,
  runCli,
  sha256,
  startCli,
  tempDir,
  zooLeftovers,
} from './helpers.js';

let arc: Awaited<ReturnType<typeof archive>>;
let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  arc = await archive(256);
  tmp = await tempDir();
});
afterAll(() => tmp.cleanup());

async function withPart(name: string, part: Buffer): Promise<string> {
  const cacheDir = join(tmp.dir, name);
  await mkdir(join(cacheDir, 'zoo'), { recursive: true });
  await writeFile(join(cacheDir, 'zoo', `${MODEL}.tar.gz.part`), part);
  return cacheDir;
}

describe('resume', () => {
  test('a .part is continued with Range: bytes=N- and a 206', async () => {
    const n = 100_000;
    const cacheDir = await withPart('resume-206', arc.bytes.subarray(0, n));
    const drive = await fakeDrive(arc.bytes, 'range');
    try {
      const r = await fetchModel(MODEL, { cacheDir, driveUrl: drive.url });
      expect(r.downloadedBytes).toBe(arc.bytes.length - n);
      expect(r.manifest.archive.sha256).toBe(sha256(arc.bytes));
      const last = fileResponses(drive).at(-1)!;
      expect([last.status, last.range, last.bodyBytes]).toEqual([
        206,
        `bytes=${n}-`,
        arc.bytes.length - n,
      ]);
    } finally {
      await drive.close();
    }
  });

  test('Range ignored (200 with the whole file) → restart from zero, never append', async () => {
    // A .part whose bytes are wrong: appending anything to it could never give the right hash.
    const cacheDir = await withPart('range-ignored', Buffer.alloc(50_000, 0x55));
    const drive = await fakeDrive(arc.bytes, 'range-ignored');
    const events: string[] = [];
    try {
      const r = await fetchModel(MODEL, {
        cacheDir,
        driveUrl: drive.url,
        onEvent: (e) => e.type === 'restart' && events.push(e.reason),
      });
      expect(r.manifest.archive).toEqual({ bytes: arc.bytes.length, sha256: sha256(arc.bytes) });
      expect(r.downloadedBytes).toBe(arc.bytes.length);
      expect(events).toEqual(['server ignored Range: bytes=50000- (HTTP 200); starting over']);
      expect(fileResponses(drive).at(-1)).toMatchObject({ status: 200, range: 'bytes=50000-' });
    } finally {
      await drive.close();
    }
  });

  test('a complete .part answered with 416 is installed without downloading again', async () => {
    const cacheDir = await withPart('complete', arc.bytes);
    const drive = await fakeDrive(arc.bytes, 'range');
    try {
      const r = await fetchModel(MODEL, { cacheDir, driveUrl: drive.url });
      expect(r.downloadedBytes).toBe(0);
      expect(r.manifest.archive.sha256).toBe(sha256(arc.bytes));
      expect(drive.requestLog.at(-1)).toMatchObject({
        status: 416,
        range: `bytes=${arc.bytes.length}-`,
      });
    } finally {
      await drive.close();
    }
  });

  test('a .part longer than the file (416, other size) restarts from zero', async () => {
    const cacheDir = await withPart('too-long', Buffer.concat([arc.bytes, Buffer.alloc(10)]));
    const drive = await fakeDrive(arc.bytes, 'range');
    try {
      const r = await fetchModel(MODEL, { cacheDir, driveUrl: drive.url });
      expect(r.manifest.archive.sha256).toBe(sha256(arc.bytes));
      expect(r.downloadedBytes).toBe(arc.bytes.length);
    } finally {
      await drive.close();
    }
  });

  test('Ctrl-C mid-download keeps a resumable .part and no half model; the next run resumes', async () => {
    const big = await archive(3 * 1024);
    const cacheDir = join(tmp.dir, 'sigint');
    const part = join(cacheDir, 'zoo', `${MODEL}.tar.gz.part`);
    const slow = await fakeDrive(big.bytes, 'large', { throttleBytesPerSec: 1_500_000 });
    const env = { HAWQ_CACHE_DIR: cacheDir, HAWQ_DRIVE_URL: slow.url };
    let n: number;
    try {
      const run = startCli(['fetch', MODEL], env);
      // Interrupt once a few hundred KB are on disk.
      for (let i = 0; i < 400; i++) {
        const size = await stat(part).then(
          (s) => s.size,
          () => 0,
        );
        if (size > 300_000) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      run.child.kill('SIGINT');
      const r = await run.done;
      expect(r.code).toBe(130);
      expect(r.stderr).toMatch(/zoo: download of resnet18_bops0\.5 interrupted; .*\.part is kept/);
      n = (await stat(part)).size;
      expect(n).toBeGreaterThan(300_000);
      expect(n).toBeLessThan(big.bytes.length);
      // The part is exactly the file's first n bytes, nothing installed, no temp folders, no lock.
      expect((await readFile(part)).equals(big.bytes.subarray(0, n))).toBe(true);
      expect(await readdir(join(cacheDir, 'zoo'))).toEqual([`${MODEL}.tar.gz.part`]);
    } finally {
      await slow.close();
    }
    const drive = await fakeDrive(big.bytes, 'large');
    try {
      const r = await runCli(['fetch', '--json', MODEL], { ...env, HAWQ_DRIVE_URL: drive.url });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout, r.stderr).toMatch(/^\{/);
      const doc = JSON.parse(r.stdout) as {
        ok: boolean;
        models: { sha256: string; downloadedBytes: number }[];
      };
      expect(doc.ok).toBe(true);
      expect(doc.models[0]!.sha256).toBe(sha256(big.bytes));
      expect(doc.models[0]!.downloadedBytes).toBe(big.bytes.length - n);
      const last = fileResponses(drive).at(-1)!;
      expect([last.status, last.range]).toEqual([206, `bytes=${n}-`]);
      expect(await zooLeftovers(cacheDir)).toEqual([]);
      expect(
        (await readFile(join(cacheDir, 'zoo', MODEL, 'checkpoint.pth.tar'))).equals(big.checkpoint),
      ).toBe(true);
    } finally {
      await drive.close();
    }
  });
});
