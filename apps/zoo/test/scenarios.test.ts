// Every protocol scenario of gdrive-protocol.md §6, through the library and through the CLI.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ScenarioName } from '@hawq-ts/fake-drive';
import { fetchModel } from '@hawq-ts/zoo';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  archive,
  FILE_ID,
  fakeDrive,
  fileResponses,
  MODEL,
  runCli,
  sha256,
  tempDir,
  zooLeftovers,
} from './helpers.js';

const OK: ScenarioName[] = [
  'small',
  'large',
  'shortcut-rejected',
  'extra-hidden-fields',
  'variant-2023',
  'legacy-cookie',
  'range',
  'range-ignored',
  'truncated',
  'rate-limit',
  'api-rate-limit',
];
const FAIL: [ScenarioName, string, RegExp][] = [
  ['quota', 'DriveQuotaError', /download quota exceeded: "Too many users/],
  ['quota-after-confirm', 'DriveQuotaError', /pnpm zoo import resnet18_bops0\.5 FILE\.tar\.gz/],
  ['private', 'DrivePrivateError', /is not public \(Drive redirected to a Google sign-in page\)/],
  ['not-found', 'DriveNotFoundError', /does not exist on Google Drive \(404/],
  ['download-disabled', 'DriveDownloadDisabledError', /has disabled downloads/],
  ['native-doc', 'DriveNativeDocumentError', /is a Google Docs document/],
  [
    'unknown-page',
    'DriveUnknownPageError',
    /unrecognised page \(HTTP 200.*Something went sideways/,
  ],
  ['api-quota', 'DriveRateLimitError', /downloadQuotaExceeded/],
  ['endless-confirm', 'DriveConfirmLoopError', /kept asking to confirm .* after 3 rounds/],
];

let arc: Awaited<ReturnType<typeof archive>>;
let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  arc = await archive(64);
  tmp = await tempDir();
});
afterAll(() => tmp.cleanup());

describe('library: scenarios that end with the file', () => {
  test.each(OK)('%s', async (scenario) => {
    const drive = await fakeDrive(arc.bytes, scenario, {
      truncateAfter: 10_000,
      retryAfterSeconds: 1,
      rateLimitTimes: 1,
    });
    const cacheDir = join(tmp.dir, `lib-${scenario}`);
    const t0 = Date.now();
    try {
      const r = await fetchModel('resnet18_bops_0.5', {
        cacheDir,
        driveUrl: drive.url,
        retry: { baseDelayMs: 5 },
      });
      expect(r.cached).toBe(false);
      expect(r.manifest.archive).toEqual({ bytes: arc.bytes.length, sha256: sha256(arc.bytes) });
      expect(r.manifest.fileId).toBe(FILE_ID);
      expect(r.manifest.checkpoint).toBe('checkpoint.pth.tar');
      expect(r.manifest.files).toEqual([
        {
          path: 'checkpoint.pth.tar',
          kind: 'hawq-checkpoint',
          bytes: arc.checkpoint.length,
          sha256: sha256(arc.checkpoint),
        },
      ]);
      expect((await readFile(join(r.dir, 'checkpoint.pth.tar'))).equals(arc.checkpoint)).toBe(true);
      expect(await zooLeftovers(cacheDir)).toEqual([]);
      await expect(stat(join(cacheDir, 'zoo', `${MODEL}.tar.gz.part`))).rejects.toThrow();

      const log = drive.requestLog;
      const paths = log.map((l) => l.path);
      switch (scenario) {
        case 'large':
        case 'shortcut-rejected': {
          const last = new URL(paths.at(-1)!, drive.usercontentUrl).searchParams;
          expect(last.get('confirm')).toBe('t');
          expect(last.get('uuid')).toMatch(/^[0-9a-f-]{36}$/);
          break;
        }
        case 'extra-hidden-fields': {
          const last = new URL(paths.at(-1)!, drive.usercontentUrl).searchParams;
          expect([...last.keys()]).toEqual(['id', 'export', 'authuser', 'confirm', 'uuid', 'at']);
          break;
        }
        case 'variant-2023':
          expect(log.map((l) => `${l.role} ${l.status}`)).toEqual(['drive 200', 'drive 200']);
          expect(paths[1]).toMatch(/confirm=t&uuid=.*&at=AB6Bw/);
          break;
        case 'legacy-cookie':
          expect(log[1]!.path).toMatch(/confirm=hMP-/);
          expect(log[1]!.cookie).toMatch(/^download_warning_\d+_.*=hMP-/);
          expect(log.map((l) => l.status)).toEqual([200, 302, 200]);
          break;
        case 'truncated': {
          const files = fileResponses(drive);
          // Cut at 10 000; the retry finds the file URL again, then asks for the tail only.
          expect(files.map((f) => f.status)).toEqual([200, 200, 206]);
          expect(files[0]!.bodyBytes).toBe(10_000);
          expect(files[2]!.range).toBe('bytes=10000-');
          expect(files[2]!.bodyBytes).toBe(arc.bytes.length - 10_000);
          break;
        }
        case 'rate-limit':
          expect(log.filter((l) => l.status === 429)).toHaveLength(1);
          expect(Date.now() - t0).toBeGreaterThanOrEqual(950); // Retry-After: 1 honoured
          break;
        case 'api-rate-limit':
          expect(log[0]!.status).toBe(403);
          break;
        default:
          expect(fileResponses(drive)).toHaveLength(1);
      }
    } finally {
      await drive.close();
    }
  });
});

describe('library: scenarios that end with a specific error', () => {
  test.each(FAIL)('%s → %s', async (scenario, errorName, message) => {
    const drive = await fakeDrive(arc.bytes, scenario);
    const cacheDir = join(tmp.dir, `lib-${scenario}`);
    try {
      const error = await fetchModel(MODEL, {
        cacheDir,
        driveUrl: drive.url,
        retry: { baseDelayMs: 5 },
      }).catch((err: unknown) => err);
      expect((error as Error).constructor.name).toBe(errorName);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).toContain(FILE_ID);
      await expect(stat(join(cacheDir, 'zoo', MODEL))).rejects.toThrow();
      expect(await zooLeftovers(cacheDir)).toEqual([]);
      if (scenario === 'endless-confirm') {
        expect(drive.requestLog.filter((l) => l.role === 'usercontent')).toHaveLength(4);
      }
      // No error page is ever retried in a loop.
      expect(drive.requestLog.length).toBeLessThanOrEqual(5);
    } finally {
      await drive.close();
    }
  });
});

describe.concurrent('CLI: every scenario', () => {
  test.each(OK.map((s) => [s]))('%s → exit 0, the directory on stdout', async (scenario) => {
    const drive = await fakeDrive(arc.bytes, scenario, {
      truncateAfter: 10_000,
      retryAfterSeconds: 1,
      rateLimitTimes: 1,
    });
    try {
      const cacheDir = join(tmp.dir, `cli-${scenario}`);
      const r = await runCli(['fetch', MODEL], {
        HAWQ_CACHE_DIR: cacheDir,
        HAWQ_DRIVE_URL: drive.url,
      });
      expect(r.stderr).not.toMatch(/internal error/);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`${join(cacheDir, 'zoo', MODEL)}\n`);
      expect(r.stderr).toMatch(/installed in/);
    } finally {
      await drive.close();
    }
  });

  test.each(FAIL)('%s → one line on stderr, exit 1', async (scenario, _name, message) => {
    const drive = await fakeDrive(arc.bytes, scenario);
    try {
      const cacheDir = join(tmp.dir, `cli-${scenario}`);
      const r = await runCli(['fetch', '--quiet', MODEL], {
        HAWQ_CACHE_DIR: cacheDir,
        HAWQ_DRIVE_URL: drive.url,
      });
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^zoo: /);
      expect(lines[0]).toMatch(message);
      if (scenario.startsWith('quota')) {
        expect(lines[0]).toContain(`https://drive.google.com/file/d/${FILE_ID}/view`);
        expect(lines[0]).toContain(`pnpm zoo import ${MODEL} FILE.tar.gz`);
      }
    } finally {
      await drive.close();
    }
  });
});
