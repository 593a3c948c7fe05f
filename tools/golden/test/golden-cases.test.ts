import { resolve } from 'node:path';
import { initBackend } from '@hawq-ts/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkCase, expandDirs } from '../src/index.js';

const goldenDir =
  process.env['HAWQ_GOLDEN_DIR'] ?? resolve(import.meta.dirname, '../../../../shared/golden');
const quiet = () => {};

beforeAll(async () => {
  await initBackend({ backend: process.env['HAWQ_BACKEND'] ?? 'cpu', log: quiet });
});

describe('golden cases', async () => {
  const dirs = await expandDirs([goldenDir]);
  const { readManifest } = await import('../src/manifest.js');
  const kinds = await Promise.all(
    dirs.map(async (d) => [d, (await readManifest(d)).kind] as const),
  );
  const checkable = kinds.filter(([, k]) => k === 'float' || k === 'quantized');

  it('finds float and quantized cases', () => {
    expect(checkable.length).toBeGreaterThanOrEqual(1);
  });

  for (const [dir, kind] of checkable) {
    it(`${kind} case ${dir.split('/').pop()} agrees`, async () => {
      const r = await checkCase(dir, quiet);
      const bad = r.checks.filter((c) => c.status === 'DIFFERENT').slice(0, 5);
      expect({ status: r.status, reason: r.reason, bad }).toEqual({
        status: 'pass',
        reason: undefined,
        bad: [],
      });
      expect(r.checks.length).toBeGreaterThan(kind === 'float' ? 0 : 100);
    });
  }

  for (const [dir] of kinds.filter(([, k]) => k === 'qat')) {
    it(`qat case ${dir.split('/').pop()} agrees (one QAT step)`, async () => {
      const r = await checkCase(dir, quiet);
      const bad = r.checks.filter((c) => c.status === 'DIFFERENT').slice(0, 5);
      expect({ status: r.status, reason: r.reason, bad }).toEqual({
        status: 'pass',
        reason: undefined,
        bad: [],
      });
      // loss, logits, ranges, every gradient, buffers, checkpoint, post-step logits
      expect(r.checks.length).toBeGreaterThan(100);
    }, 300_000); // one full QAT step on the CPU backend: ~80 s when CI runs suites in parallel
  }
});
