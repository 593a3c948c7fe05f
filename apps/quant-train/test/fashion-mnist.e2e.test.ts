// The documented Fashion-MNIST run (scripts/fashion-mnist.sh) on a small subset: 2 images per
// class and split, a width-4 model, one float epoch, one QAT epoch per scheme, ORT evaluation.
// Needs `pnpm build` and Debian's dataset-fashion-mnist.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FASHION_MNIST_DIR } from '@hawq-ts/data';
import { describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '../../..');
const ready =
  existsSync(join(repo, 'apps/quant-train/dist/cli.js')) &&
  existsSync(join(FASHION_MNIST_DIR, 't10k-labels-idx1-ubyte.gz'));

describe.skipIf(!ready)('Fashion-MNIST run on a subset', () => {
  it('trains float, QATs three schemes and evaluates them on ORT', () => {
    const root = mkdtempSync(join(tmpdir(), 'fmnist-'));
    const run = join(root, 'run');
    const r = spawnSync('sh', ['apps/quant-train/scripts/fashion-mnist.sh'], {
      cwd: repo,
      encoding: 'utf8',
      timeout: 600_000,
      env: {
        ...process.env,
        DATA: join(root, 'data'),
        RUN: run,
        PER_CLASS: '2',
        WIDTH: '4',
        FLOAT_EPOCHS: '1',
        QAT_PERCENT: '1',
        BATCH: '10',
        WORKERS: '0',
      },
    });
    expect(r.status, r.stderr.slice(-2000)).toBe(0);
    expect(existsSync(join(run, 'float.pth'))).toBe(true);
    for (const scheme of ['uniform8', 'uniform4', 'bops_0.5']) {
      const res = JSON.parse(readFileSync(join(run, scheme, 'eval_results.json'), 'utf8'));
      expect(res).toMatchObject({ scheme, engine: 'ort', count: 20 });
      expect(res.perClass).toHaveLength(10);
    }
  });
});
