import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTorchBuffer, stateDictOf } from '@hawq-ts/checkpoint';
import { ZOO_MODELS } from '@hawq-ts/zoo';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  demoCheckpoint,
  makeDemoArchives,
  makeTarGz,
  SCENARIOS,
  startFakeDrive,
} from '../src/index.js';

const ID = '1DbDXYdulvvb9YOG1fRSrCVPvry_Reu8z';
const bytes = Buffer.from('0123456789'.repeat(100));

describe('fake Drive', () => {
  test('replays the 303 hop to another origin and serves Drive-like file headers', async () => {
    const drive = await startFakeDrive({ files: { [ID]: { bytes, name: 'm.tar.gz' } } });
    try {
      const first = await fetch(`${drive.url}/uc?export=download&id=${ID}`, { redirect: 'manual' });
      expect(first.status).toBe(303);
      expect(first.headers.get('location')).toBe(
        `${drive.usercontentUrl}/download?id=${ID}&export=download`,
      );
      const file = await fetch(first.headers.get('location')!);
      expect(file.status).toBe(200);
      expect(file.headers.get('content-disposition')).toBe(
        `attachment; filename="m.tar.gz"; filename*=UTF-8''m.tar.gz`,
      );
      expect(file.headers.get('content-length')).toBe('1000');
      expect(Buffer.from(await file.arrayBuffer()).equals(bytes)).toBe(true);
    } finally {
      await drive.close();
    }
  });

  test('Range: 206 with Content-Range, 416 past the end; range-ignored answers 200', async () => {
    const drive = await startFakeDrive({
      files: {
        [ID]: { bytes },
        other_id_of_enough_length_xyz: { bytes, scenario: 'range-ignored' },
      },
    });
    try {
      const part = await fetch(drive.fileUrl(ID), { headers: { range: 'bytes=990-' } });
      expect([part.status, part.headers.get('content-range'), await part.text()]).toEqual([
        206,
        'bytes 990-999/1000',
        '0123456789',
      ]);
      const past = await fetch(drive.fileUrl(ID), { headers: { range: 'bytes=1000-' } });
      expect([past.status, past.headers.get('content-range')]).toEqual([416, 'bytes */1000']);
      const ignored = await fetch(drive.fileUrl('other_id_of_enough_length_xyz'), {
        headers: { range: 'bytes=990-' },
      });
      expect([ignored.status, (await ignored.arrayBuffer()).byteLength]).toEqual([200, 1000]);
      expect(drive.requestLog.map((r) => r.status)).toEqual([206, 416, 200]);
    } finally {
      await drive.close();
    }
  });

  test('every scenario answers the first request (no crash, no hang)', async () => {
    const files = Object.fromEntries(
      SCENARIOS.map((s, i) => [`id_${String(i).padStart(30, '0')}`, { bytes, scenario: s }]),
    );
    const drive = await startFakeDrive({ files });
    try {
      for (const id of Object.keys(files)) {
        const r = await fetch(`${drive.url}/uc?export=download&id=${id}`, { redirect: 'manual' });
        expect([200, 302, 303, 403, 429]).toContain(r.status);
        await r.arrayBuffer();
      }
      const unknown = await fetch(`${drive.url}/uc?export=download&id=nope`);
      expect(unknown.status).toBe(404);
    } finally {
      await drive.close();
    }
  });
});

describe('fake-drive CLI', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fake-drive-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  test('--make-demo writes 27 valid archives', async () => {
    const files = await makeDemoArchives(dir);
    expect(files).toHaveLength(27);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tar.gz'))).toHaveLength(27);
    expect((await makeTarGz([{ name: 'x', content: 'y' }])).subarray(0, 2)).toEqual(
      Buffer.from([0x1f, 0x8b]),
    );
    // The demo checkpoint is a real torch.save file in quant_train.py's layout.
    const model = ZOO_MODELS.find((m) => m.name === 'resnet18_bops0.5')!;
    const value = loadTorchBuffer(
      demoCheckpoint(model, 'checkpoint.pth.tar'),
      'checkpoint.pth.tar',
    );
    expect(value instanceof Map && value.get('arch')).toBe('resnet18');
    expect([...stateDictOf(value).keys()]).toEqual(['demo.weight']);
  });

  test('--serve DIR serves each archive under its real Drive id', async () => {
    const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
    const child = spawn(process.execPath, [cli, '--serve', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim()));
        child.once('exit', (code) => reject(new Error(`exited ${code}`)));
      });
      const r = await fetch(`${url}/uc?export=download&id=${ID}`);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-disposition')).toMatch(/filename="resnet18_bops0\.5\.tar\.gz"/);
    } finally {
      child.kill('SIGINT');
    }
  });
});
