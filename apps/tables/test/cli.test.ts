import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUNDLED_RESULTS_DIR, FASHION_MNIST_SUBDIR } from '@hawq-ts/report';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli.js');
// Real Fashion-MNIST results may be bundled (packages/report/results/fashion-mnist/); the tests
// of the default output hold with or without them.
const FM_BUNDLED = join(BUNDLED_RESULTS_DIR, FASHION_MNIST_SUBDIR);
const bundledFashion = existsSync(FM_BUNDLED)
  ? readdirSync(FM_BUNDLED).filter((n) => n.endsWith('.json')).length > 0
  : false;

function run(args: string[], cwd?: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const evalResult = (model: string, top1: number) => ({
  model,
  dataset: 'imagenet',
  count: 50000,
  top1,
  top5: 90,
});

describe('pnpm tables (e2e)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hawq-tables-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints the Markdown tables from the embedded default, fast, and only them on stdout', () => {
    const t0 = Date.now();
    const r = run([]);
    expect(r.code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(r.stdout.startsWith('### ResNet18 (ImageNet)\n')).toBe(true);
    expect(r.stdout).toContain('| ResNet18 | Mixed Precision Medium BOPS | 6.49 (pub. 6.7');
    if (bundledFashion) {
      expect(r.stdout).toContain('### ResNet18-structured model (Fashion-MNIST)');
    } else {
      expect(r.stderr).toContain('Fashion-MNIST table omitted');
    }
  });

  it('--format json: 27 ImageNet rows, top-1 all published without evaluation results', () => {
    const r = run(['--format', 'json']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as {
      name: string;
      top1Source: string;
      speedup: number | null;
    }[];
    const imagenet = rows.filter((x) => !x.name.startsWith('fashion-mnist/'));
    expect(imagenet).toHaveLength(27);
    expect(imagenet.every((x) => x.top1Source === 'published')).toBe(true);
    expect(rows.length > 27).toBe(bundledFashion);
    expect(rows.find((x) => x.name === 'resnet18_uniform8')!.speedup).toBeGreaterThan(0);
  });

  it('--results DIR adds measured accuracy; CSV and HTML go to -o atomically', async () => {
    const results = join(dir, 'results');
    await rm(results, { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(results));
    await writeFile(
      join(results, 'r18.json'),
      JSON.stringify({ command: 'test', results: [evalResult('resnet18_uniform4', 68.9)] }),
    );
    await writeFile(join(results, 'notes.json'), JSON.stringify({ hello: 'world' }));
    const csv = join(dir, 'out.csv');
    const r = run(['--results', results, '--format', 'csv', '-o', csv]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/ignored .*notes\.json/);
    expect(await readFile(csv, 'utf8')).toContain(
      'resnet18_uniform4,ResNet18,W4A4,uniform4,5.8176,5.8176,34.714,68.9,measured,',
    );
    const html = join(dir, 'out.html');
    expect(run(['--results', results, '--format', 'html', '-o', html]).code).toBe(0);
    expect(await readFile(html, 'utf8')).toMatch(/^<!doctype html>/);
  });

  it('--fashion-mnist FILE adds the Fashion-MNIST table', async () => {
    const fm = join(dir, 'fm.json');
    await writeFile(
      fm,
      JSON.stringify([
        { model: 'resnet18', scheme: 'fp32', dataset: 'fashion-mnist', count: 10000, top1: 92.3 },
        {
          // As the evaluator writes it: the dataset is the root folder it read.
          model: 'resnet18',
          scheme: 'bops_0.5',
          dataset: '/tmp/fm-folder/val',
          count: 10000,
          top1: 91.7,
          inputSize: 32,
        },
      ]),
    );
    const r = run(['--fashion-mnist', fm]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('### ResNet18-structured model (Fashion-MNIST)');
    expect(r.stdout).toContain('| resnet18 | Mixed Precision Medium BOPS |');
    // Not mistaken for the ImageNet zoo row resnet18_bops0.5.
    expect(r.stdout).toMatch(/\| 70\.22\S* \(published\) \| resnet18_bops0\.5 \|/);
    expect(r.stdout).toContain('at 32×32 input and 10 classes');
  });

  it('merge: combines shard files, and a conflict names both files', async () => {
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    const c = join(dir, 'c.json');
    await writeFile(
      a,
      JSON.stringify({ command: 'shard 1', results: [evalResult('resnet18_baseline', 71.4)] }),
    );
    await writeFile(
      b,
      JSON.stringify({ command: 'shard 2', results: [evalResult('resnet18_uniform8', 71.5)] }),
    );
    await writeFile(c, JSON.stringify([evalResult('resnet18_baseline', 70.0)]));
    const merged = join(dir, 'merged.json');
    const ok = run(['merge', a, b, '-o', merged]);
    expect(ok.code).toBe(0);
    const doc = JSON.parse(await readFile(merged, 'utf8'));
    expect(doc.command).toMatch(/^pnpm tables merge /);
    expect(doc.results.map((x: { model: string }) => x.model)).toEqual([
      'resnet18_baseline',
      'resnet18_uniform8',
    ]);
    const bad = run(['merge', a, c, '-o', join(dir, 'never.json')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain(a);
    expect(bad.stderr).toContain(c);
  });

  it.each([
    [
      ['--shard', '1/2'],
      2,
      '--data, --shard, --eval-out, --batch-size and --workers only apply with --evaluate',
    ],
    [['--evaluate'], 2, '--evaluate needs --data'],
    [
      ['--evaluate', '--data', '/nonexistent-imagenet'],
      2,
      '--data /nonexistent-imagenet: not a folder',
    ],
    [
      ['--evaluate', '--data', '/tmp', '--shard', '1/2'],
      2,
      '--data: ImageNet validation split /tmp/val: not a folder',
    ],
    [['--results', '/nonexistent-results'], 2, '--results /nonexistent-results: not a folder'],
    [['merge', '/nonexistent.json'], 1, '/nonexistent.json: cannot read'],
  ])('%j fails with one line and exit %i', (args, code, message) => {
    const r = run(args);
    expect(r.code).toBe(code);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
