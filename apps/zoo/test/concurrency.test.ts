// Two processes fetching one model at once: one download, both succeed.
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  archive,
  fakeDrive,
  fileResponses,
  MODEL,
  sha256,
  startCli,
  tempDir,
  zooLeftovers,
} from './helpers.js';

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  tmp = await tempDir();
});
afterAll(() => tmp.cleanup());

test('concurrent fetches of one model download it once and both succeed', async () => {
  const { bytes } = await archive(1024);
  // Slow enough that the second process starts while the first still downloads.
  const drive = await fakeDrive(bytes, 'large', { throttleBytesPerSec: 1_000_000 });
  const env = { HAWQ_CACHE_DIR: join(tmp.dir, 'cache'), HAWQ_DRIVE_URL: drive.url };
  try {
    const [a, b] = await Promise.all([
      startCli(['fetch', '--json', MODEL], env).done,
      startCli(['fetch', '--json', MODEL], env).done,
    ]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const docs = [a, b].map(
      (r) => JSON.parse(r.stdout) as { models: { cached: boolean; sha256: string }[] },
    );
    expect(docs.map((d) => d.models[0]!.cached).sort()).toEqual([false, true]);
    for (const d of docs) expect(d.models[0]!.sha256).toBe(sha256(bytes));
    expect(fileResponses(drive).filter((r) => r.status === 200 || r.status === 206)).toHaveLength(
      1,
    );
    expect([a, b].some((r) => /another process is fetching it, waiting/.test(r.stderr))).toBe(true);
    expect(await zooLeftovers(env.HAWQ_CACHE_DIR)).toEqual([]);
  } finally {
    await drive.close();
  }
});
