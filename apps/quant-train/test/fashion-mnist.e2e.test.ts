// The documented Fashion-MNIST run (scripts/fashion-mnist.sh) on a small subset: 2 images per
// class and split, a width-4 model at the run's 56×56, one float epoch, Hessian traces from 2
// samples, the two ILP configs, one QAT epoch per scheme, ORT evaluation against the int8 engine.
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
  it('trains float, picks bits from Hessian traces, QATs five schemes, evaluates them on ORT', () => {
    const root = mkdtempSync(join(tmpdir(), 'fmnist-'));
    const run = join(root, 'run');
    const r = spawnSync('sh', ['apps/quant-train/scripts/fashion-mnist.sh'], {
      cwd: repo,
      encoding: 'utf8',
      timeout: 900_000,
      env: {
        ...process.env,
        DATA: join(root, 'data'),
        RUN: run,
        PER_CLASS: '2',
        WIDTH: '4',
        FLOAT_EPOCHS: '1',
        QAT_PERCENT: '1',
        BATCH: '10',
        HESSIAN_BATCH: '4',
        HESSIAN_ITER: '2',
      },
    });
    expect(r.status, r.stderr.slice(-2000)).toBe(0);
    expect(existsSync(join(run, 'float.pth'))).toBe(true);
    const fp = JSON.parse(readFileSync(join(run, 'fp32', 'eval_results.json'), 'utf8'));
    expect(fp).toMatchObject({
      scheme: 'fp32',
      count: 20,
      channels: { init: 4, stages: [4, 8, 16, 32] },
      inputSize: 56,
      valResizeSize: 56,
    });
    const hessian = JSON.parse(readFileSync(join(run, 'hessian.json'), 'utf8'));
    expect(hessian.layers).toHaveLength(19);
    expect(hessian.hutchinson).toMatchObject({ inputSize: 56, valResizeSize: 56 });
    for (const [dir, scheme] of [
      ['uniform8', 'uniform8'],
      ['uniform4', 'uniform4'],
      ['bops_0.5', 'bops_0.5'],
      ['hessian_bops_0.5', `file:${run}/configs/hessian_bops_0.5.json`],
      ['random_bops_0.5', `file:${run}/configs/random_bops_0.5.json`],
    ] as const) {
      const res = JSON.parse(readFileSync(join(run, dir, 'eval_results.json'), 'utf8'));
      expect(res).toMatchObject({
        scheme,
        engine: 'ort',
        count: 20,
        inputSize: 56,
        valResizeSize: 56,
        numClasses: 10,
      });
      expect(res.perClass).toHaveLength(10);
      expect(res.comparison).toMatchObject({ engine: 'ort-int8', reference: 'ort', count: 20 });
      if (scheme.startsWith('file:')) expect(Object.keys(res.bitConfig).length).toBeGreaterThan(19);
    }
    const times = readFileSync(join(run, 'times.txt'), 'utf8');
    expect(times).toMatch(/^float \d+$/m);
    expect(times).toMatch(/^total \d+$/m);
  }, 900_000);
});
