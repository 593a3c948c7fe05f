// The golden one-step QAT case(s): HAWQ's quant_train.py step, reproduced within the README's
// tolerances (path via HAWQ_GOLDEN_DIR, default <repo>/../shared/golden).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { initBackend } from '@hawq-ts/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkQatCase } from '../src/index.js';

const golden =
  process.env['HAWQ_GOLDEN_DIR'] ?? resolve(import.meta.dirname, '../../../../shared/golden');
const cases = existsSync(golden)
  ? readdirSync(golden).filter((d) => {
      const f = join(golden, d, 'manifest.json');
      return existsSync(f) && JSON.parse(readFileSync(f, 'utf8')).kind === 'qat';
    })
  : [];

describe.skipIf(cases.length === 0)('golden QAT cases', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu', log: () => {} });
  });

  it.each(cases)(
    '%s matches HAWQ',
    async (name) => {
      const { ok, results } = await checkQatCase(join(golden, name));
      const failed = results.filter((r) => !r.ok);
      expect(failed, JSON.stringify(failed.slice(0, 5))).toEqual([]);
      expect(ok).toBe(true);
      // the check covers every part of the step
      expect(results.filter((r) => r.name.startsWith('grads/')).length).toBe(62);
      expect(results.some((r) => r.name === 'loss')).toBe(true);
      expect(results.some((r) => r.name.startsWith('checkpoint/optimizer/state/'))).toBe(true);
    },
    300_000,
  ); // one full QAT step on the CPU backend: ~80 s when CI runs suites in parallel
});
