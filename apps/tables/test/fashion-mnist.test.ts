// The contract between the evaluator and the tables: results files written by
// @hawq-ts/evaluator's evaluate() + resultsFile() (fake engines, so no model is needed), dropped
// into a results folder's fashion-mnist/ subfolder, become the Fashion-MNIST table in every format.
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getBitConfig } from '@hawq-ts/core/config';
import {
  type EngineName,
  type EvalBatch,
  type EvalResultsFile,
  evaluate,
  type InferenceEngine,
  resultsFile,
  writeJsonAtomic,
} from '@hawq-ts/evaluator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli.js');
const run = (args: string[]) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

const CLASSES = 10;
const IMAGES = 20;
const NARROW = { init: 16, stages: [16, 32, 64, 128] };

/** Predicts the label for the first `right` images and class 0 for the rest (image i has label i % 10). */
function engine(name: EngineName, right: number): InferenceEngine {
  return {
    name,
    async run(images, shape) {
      const out = new Float32Array(shape[0] * CLASSES);
      for (let i = 0; i < shape[0]; i++) {
        const id = images[i]!;
        out[i * CLASSES + (id < right ? id % CLASSES : 0)] = 5;
      }
      return out;
    },
    async dispose() {},
  };
}

const data = (): EvalBatch[] => [
  {
    images: Float32Array.from({ length: IMAGES }, (_, i) => i),
    labels: Array.from({ length: IMAGES }, (_, i) => i % CLASSES),
    shape: [IMAGES, 1, 1, 1],
  },
];

async function evaluated(
  right: number,
  meta: Partial<EvalResultsFile> & { scheme: string },
  compareRight?: number,
): Promise<EvalResultsFile> {
  const r = await evaluate(engine('ort', right), data(), {
    numClasses: CLASSES,
    progress: false,
    ...(compareRight === undefined ? {} : { compare: engine('ort-fast', compareRight) }),
  });
  return resultsFile(r, {
    model: 'resnet18',
    checkpoint: null,
    checkpointSha256: null,
    dataset: '/data/fm-imagenet-layout/val',
    engine: 'ort',
    inputSize: 28,
    batchSize: IMAGES,
    arch: 'resnet18',
    numClasses: CLASSES,
    channels: NARROW,
    ...meta,
  });
}

describe('pnpm tables with a fashion-mnist/ results subfolder (e2e)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hawq-tables-fm-'));
    const fm = join(dir, 'results', 'fashion-mnist');
    await mkdir(fm, { recursive: true });
    const ilp = Object.fromEntries(getBitConfig('resnet18', 'uniform8').entries);
    for (const name of Object.keys(ilp)) if (name.startsWith('stage4.')) ilp[name] = 4;
    await writeJsonAtomic(
      join(fm, 'uniform8.json'),
      await evaluated(19, { scheme: 'uniform8' }, 17),
    );
    await writeJsonAtomic(join(fm, 'uniform4.json'), await evaluated(16, { scheme: 'uniform4' }));
    await writeJsonAtomic(
      join(fm, 'ilp.json'),
      await evaluated(
        18,
        { scheme: 'file:runs/fm/ilp.json', bitConfig: ilp, label: 'Hessian-ILP bops 0.5' },
        18,
      ),
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const args = () => ['--no-bundled', '--results', join(dir, 'results')];

  it('Markdown: the table, its labels, computed costs and the second-engine column', () => {
    const r = run(args());
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('Fashion-MNIST table omitted');
    const section = r.stdout.slice(
      r.stdout.indexOf('### ResNet18-structured model (Fashion-MNIST)'),
    );
    const lines = section.split('\n').filter((l) => l.startsWith('| resnet18'));
    expect(lines.map((l) => l.split(' | ')[1])).toEqual(['W8A8', 'Hessian-ILP bops 0.5', 'W4A4']);
    // 19/20 right vs 17/20 on ort-fast; the two differ on images 17 and 18.
    expect(lines[0]).toContain('| 95.00');
    expect(lines[0]).toContain('ort-fast 85.00 (Δ −10.00), argmax ≠ 2/20, max Δlogit 100.0%');
    expect(lines[1]).toContain('ort-fast 90.00 (Δ 0.00), argmax ≠ 0/20, max Δlogit 0.0%');
    expect(lines[2]).toMatch(/\| — \| fashion-mnist\/resnet18_uniform4 \|$/);
    expect(section).toContain('stem width 16 and stage widths 16/32/64/128');
  });

  it('CSV, JSON and HTML carry the same rows', async () => {
    const json = JSON.parse(run([...args(), '--format', 'json']).stdout) as {
      name: string;
      scheme: string;
      gbops: number;
      comparison?: { engine: string; argmaxDisagreements: number };
    }[];
    const fm = json.filter((x) => x.name.startsWith('fashion-mnist/'));
    expect(fm.map((x) => x.name)).toEqual([
      'fashion-mnist/resnet18_uniform8',
      'fashion-mnist/resnet18_hessian-ilp-bops-0.5',
      'fashion-mnist/resnet18_uniform4',
    ]);
    expect(fm[0]!.comparison).toMatchObject({ engine: 'ort-fast', argmaxDisagreements: 2 });
    expect(fm[1]!.gbops).toBeLessThan(fm[0]!.gbops);
    expect(fm[1]!.gbops).toBeGreaterThan(fm[2]!.gbops);
    const csv = run([...args(), '--format', 'csv'])
      .stdout.trimEnd()
      .split('\r\n');
    expect(csv.filter((l) => l.startsWith('fashion-mnist,'))).toHaveLength(3);
    expect(csv.find((l) => l.includes('fashion-mnist/resnet18_uniform8'))).toMatch(
      /,ort,ort-fast,85,-10,2,20,1$/,
    );
    const html = join(dir, 'report.html');
    expect(run([...args(), '--format', 'html', '-o', html]).code).toBe(0);
    const page = await readFile(html, 'utf8');
    expect(page).toContain('data-row="fashion-mnist/resnet18_hessian-ilp-bops-0.5"');
    expect(page).toContain('data-plot="fashion-mnist-top1-vs-bops"');
  });

  it('a deploy-fashion results file fills the Speed-Up column of the rows it measured', async () => {
    const bench = join(dir, 'bench');
    await mkdir(bench, { recursive: true });
    const bits = (scheme: string) => Object.fromEntries(getBitConfig('resnet18', scheme).entries);
    const entry = (
      b: Record<string, number> | null,
      inputSize: number,
      engine: string,
      ms: number,
    ) => ({
      arch: 'resnet18',
      channels: NARROW,
      inputSize,
      numClasses: CLASSES,
      scheme: null,
      label: null,
      bits: b,
      timings: { [engine]: [{ batch: 8, msPerBatch: ms, imagesPerSecond: 8000 / ms, runs: 3 }] },
    });
    await writeJsonAtomic(join(bench, 'deploy-fashion.json'), {
      command: 'pnpm bench deploy-fashion',
      date: '2026-11-26T12:00:00.000Z',
      machine: { cpu: 'Test CPU', cores: 2 },
      settings: { ortIntraOpThreads: 2 },
      configs: [
        entry(null, 28, 'ort-float', 3),
        entry(bits('uniform8'), 28, 'ort-int8', 2),
        // uniform4 timed at another input size: must not stand for the 28×28 row
        entry(bits('uniform4'), 32, 'ort-int8', 1),
      ],
    });
    const r = run([...args(), '--results', bench]);
    expect(r.code).toBe(0);
    const section = r.stdout.slice(
      r.stdout.indexOf('### ResNet18-structured model (Fashion-MNIST)'),
    );
    const cells = (scheme: string) =>
      section
        .split('\n')
        .find((l) => l.split(' | ')[1] === scheme)!
        .split(' | ');
    expect(cells('W8A8')[4]).toBe('1.50x');
    expect(cells('W4A4')[4]).toMatch(/^—\S/);
    expect(section).toContain('int4 layers run in int8 containers');
    const json = JSON.parse(run([...args(), '--results', bench, '--format', 'json']).stdout) as {
      name: string;
      speedup: number | null;
    }[];
    const speed = new Map(json.map((x) => [x.name, x.speedup]));
    expect(speed.get('fashion-mnist/resnet18_uniform8')).toBe(1.5);
    expect(speed.get('fashion-mnist/resnet18_uniform4')).toBeNull();
    await writeFile(join(bench, 'deploy-fashion.json'), '{"configs": [{}]}');
    const bad = run([...args(), '--results', bench]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain(join(bench, 'deploy-fashion.json'));
  });
});
