// The Fashion-MNIST Speed-Up column from `pnpm bench deploy-fashion`'s results: parsing, matching
// a measurement to a row by the model it measured (widths, input size, classes, per-module bits),
// and how the column renders in every format.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getBitConfig } from '@hawq-ts/core/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUNDLED_RESULTS_DIR,
  buildReport,
  type EvalResult,
  FASHION_CPU_NOTE,
  type FashionDeployMeasurements,
  fashionModelIdentity,
  loadResults,
  type MergedResult,
  parseDeployFashionResults,
  type Report,
  ResultsFileError,
  readDeployFashionResults,
  toCsv,
  toJson,
  toMarkdown,
} from '../src/index.js';

const NARROW = { init: 16, stages: [16, 32, 64, 128] };
const bitsOf = (scheme: string) => Object.fromEntries(getBitConfig('resnet18', scheme).entries);
/** An ILP-looking map: stage 4 at 4 bits. */
const MIXED = Object.fromEntries(
  Object.entries(bitsOf('uniform8')).map(([k, b]) => [
    k,
    k.startsWith('stage4.') && !k.endsWith('int32') ? 4 : b,
  ]),
);

function fm(scheme: string, top1: number, extra: Partial<EvalResult> = {}): MergedResult {
  return {
    result: {
      model: 'resnet18',
      arch: 'resnet18',
      dataset: 'fashion-mnist/val',
      count: 10_000,
      top1,
      scheme,
      inputSize: 28,
      numClasses: 10,
      channels: NARROW,
      ...extra,
    },
    source: `/runs/${scheme.replace(/\W/g, '_')}.json`,
    command: 'pnpm quant-train … -e',
  };
}

const ROWS = [
  fm('fp32', 86.4),
  fm('uniform8', 86.8),
  fm('uniform4', 85.1),
  fm('file:/cfg/ilp.json', 86.5, { bitConfig: MIXED, label: 'ILP' }),
];

const timings = (ms8: number) => [
  { batch: 1, msPerBatch: ms8 / 4, imagesPerSecond: 1, runs: 3 },
  { batch: 8, msPerBatch: ms8, imagesPerSecond: 1, runs: 3 },
];

interface Cfg {
  bits: Record<string, number> | null;
  inputSize?: number;
  engine: string;
  ms8: number;
}

function benchFile(configs: Cfg[]): Record<string, unknown> {
  return {
    command: 'pnpm bench deploy-fashion',
    date: '2026-11-26T12:00:00.000Z',
    machine: { cpu: 'Test CPU', cores: 2 },
    settings: { ortIntraOpThreads: 2 },
    configs: configs.map((c) => ({
      arch: 'resnet18',
      channels: NARROW,
      inputSize: c.inputSize ?? 28,
      numClasses: 10,
      scheme: null,
      label: null,
      bits: c.bits,
      timings: { [c.engine]: timings(c.ms8) },
    })),
  };
}

const bench = (configs: Cfg[]) => parseDeployFashionResults(benchFile(configs), '/b/df.json');
const table = (report: Report) => report.tables.find((t) => t.dataset === 'fashion-mnist')!;
const row = (report: Report, scheme: string) =>
  table(report).rows.find((r) => r.bitConfig === scheme || r.scheme === scheme)!;

describe('parsing deploy-fashion results', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hawq-report-df-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a malformed file is a ResultsFileError naming the file and the field', async () => {
    const bad = benchFile([{ bits: null, engine: 'ort-float', ms8: 2 }]);
    delete (bad.configs as Record<string, unknown>[])[0]!.inputSize;
    const file = join(dir, 'deploy-fashion.json');
    await writeFile(file, JSON.stringify(bad));
    await expect(readDeployFashionResults(file)).rejects.toThrow(ResultsFileError);
    await expect(readDeployFashionResults(file)).rejects.toThrow(`${file}: configs.0.inputSize:`);
    // In a results folder it is recognized by its `configs` and reported, not silently skipped.
    await expect(loadResults([dir])).rejects.toThrow(`${file}: configs.0.inputSize`);
    await writeFile(file, '{"configs": [');
    await expect(readDeployFashionResults(file)).rejects.toThrow(
      new RegExp(`^${file}: cannot read deploy-fashion results`),
    );
  });

  it('a well-formed file loads from a results folder next to deploy.json-style files', async () => {
    const file = join(dir, 'deploy-fashion.json');
    await writeFile(file, JSON.stringify(benchFile([{ bits: null, engine: 'ort-float', ms8: 2 }])));
    const loaded = await loadResults([dir]);
    expect(loaded.deployFashion?.source).toBe(file);
    expect(loaded.deployFashion?.timings[0]?.msAtSpeedupBatch.get('ort-float')).toBe(2);
    expect(loaded.deploy).toBeNull();
    expect(loaded.skipped).toEqual([]);
  });

  it('the bundled file parses and measures the bundled FP row', async () => {
    const loaded = await loadResults([BUNDLED_RESULTS_DIR]);
    expect(loaded.deployFashion).not.toBeNull();
    const report = buildReport({
      results: loaded.evaluations.flatMap((f) =>
        f.results.map((result) => ({ result, source: f.source, command: f.command })),
      ),
      deployFashion: loaded.deployFashion,
    });
    const fp = table(report).rows.find((r) => r.bitConfig === null);
    expect(fp?.speedup).toBe(1);
  });
});

describe('matching a measurement to a row', () => {
  const FLOAT = { bits: null, engine: 'ort-float', ms8: 3 };

  it('speed-up = float ms / int8 ms of the same model at batch 8; FP is 1.00', () => {
    const report = buildReport({
      results: ROWS,
      deployFashion: bench([
        FLOAT,
        { bits: bitsOf('uniform8'), engine: 'ort-int8', ms8: 2 },
        { bits: bitsOf('uniform4'), engine: 'ort-int8', ms8: 1.5 },
        { bits: MIXED, engine: 'ort-int8', ms8: 2.5 },
      ]),
    });
    expect(row(report, 'Floating Points').speedup).toBe(1);
    expect(row(report, 'uniform8').speedup).toBeCloseTo(1.5, 12);
    expect(row(report, 'uniform4').speedup).toBeCloseTo(2, 12);
    expect(row(report, 'ILP').speedup).toBeCloseTo(1.2, 12);
    for (const r of table(report).rows) expect(r.notes.speedup).toEqual([FASHION_CPU_NOTE]);
  });

  it('a measurement of another bit map, input size or width is not used', () => {
    const oneFlipped = { ...MIXED, 'stage1.unit1.quant_convbn1': 4 };
    const { 'stage4.unit2.quant_act1': _, ...missingOne } = MIXED;
    const report = buildReport({
      results: ROWS,
      deployFashion: bench([
        FLOAT,
        { bits: oneFlipped, engine: 'ort-int8', ms8: 1 },
        { bits: missingOne, engine: 'ort-int8', ms8: 1 },
        { bits: bitsOf('uniform4'), inputSize: 32, engine: 'ort-int8', ms8: 1 },
        // uniform8's int8 graph at 28×28 but only its exact timing: no int8 latency to use
        { bits: bitsOf('uniform8'), engine: 'ort-exact', ms8: 1 },
      ]),
    });
    expect(row(report, 'Floating Points').speedup).toBe(1);
    for (const s of ['uniform8', 'uniform4', 'ILP']) {
      const r = row(report, s);
      expect(r.speedup).toBeNull();
      expect(report.notes.get(r.notes.speedup![0]!)).toContain(
        'has no float and int8 timings at batch 8 for this model',
      );
    }
  });

  it('without a float measurement of the structure, no row (not even FP) claims a speed-up', () => {
    const report = buildReport({
      results: ROWS,
      deployFashion: bench([
        { bits: null, inputSize: 32, engine: 'ort-float', ms8: 3 },
        { bits: bitsOf('uniform8'), engine: 'ort-int8', ms8: 2 },
      ]),
    });
    expect(table(report).rows.every((r) => r.speedup === null)).toBe(true);
  });

  it('the identity resolves built-in schemes, recorded bit maps and default widths', () => {
    expect(fashionModelIdentity(ROWS[1]!.result).bits).toEqual(bitsOf('uniform8'));
    expect(fashionModelIdentity(ROWS[3]!.result).bits).toEqual(MIXED);
    expect(fashionModelIdentity(ROWS[0]!.result).bits).toBeNull();
    const { channels: _, ...noWidths } = ROWS[1]!.result;
    expect(fashionModelIdentity(noWidths).channels).toEqual({
      init: 64,
      stages: [64, 128, 256, 512],
    });
    expect(() => fashionModelIdentity({ ...ROWS[3]!.result, bitConfig: null })).toThrow(
      /records no bitConfig/,
    );
  });
});

describe('rendering the Fashion-MNIST speed-up', () => {
  let measured: Report;
  let unmeasured: Report;
  beforeAll(() => {
    const d: FashionDeployMeasurements = bench([
      { bits: null, engine: 'ort-float', ms8: 3 },
      { bits: bitsOf('uniform8'), engine: 'ort-int8', ms8: 2 },
    ]);
    measured = buildReport({ results: ROWS, deployFashion: d });
    unmeasured = buildReport({ results: ROWS });
  });

  const fashionSection = (md: string) =>
    md.slice(md.indexOf('### ResNet18-structured model (Fashion-MNIST)'));
  const line = (md: string, scheme: string) =>
    fashionSection(md)
      .split('\n')
      .find((l) => l.split(' | ')[1] === scheme)!;

  it('Markdown: ratios with one column note (CPU, ORT, int4 in int8 containers); "—" plus the re-run note', () => {
    const md = toMarkdown(measured);
    const section = fashionSection(md);
    const header = section.split('\n').find((l) => l.startsWith('| Model'))!;
    const marker = /Speed-Up \(CPU, measured\)(\S+) \|/.exec(header)?.[1];
    expect(marker).toBeTruthy();
    expect(line(md, 'Floating Points')).toContain('| 1.00x |');
    expect(line(md, 'W8A8')).toContain('| 1.50x |');
    expect(section).toContain(`${marker} Measured CPU speed-up`);
    expect(section).toContain('int4 layers run in int8 containers');
    expect(section).toContain('from /b/df.json written by `pnpm bench deploy-fashion`');
    // W4A4 has no measurement: a dash with the note saying how to get one
    const w4 = /\| —(\S+) \| —/.exec(line(md, 'W4A4'))?.[1];
    expect(w4).toBeTruthy();
    expect(section).toContain(`${w4} Not measured: /b/df.json has no float and int8 timings`);
    expect(fashionSection(toMarkdown(unmeasured))).toContain(
      'Not measured: no Fashion-MNIST deploy benchmark results loaded; run `pnpm bench deploy-fashion`',
    );
    expect(line(toMarkdown(unmeasured), 'Floating Points')).toMatch(/\| —\S+ \| —/);
  });

  it('JSON and CSV carry the ratio like the ImageNet rows', () => {
    const json = JSON.parse(toJson(measured)) as { name: string; speedup: number | null }[];
    const byName = new Map(json.map((r) => [r.name, r.speedup]));
    expect(byName.get('fashion-mnist/resnet18_fp32')).toBe(1);
    expect(byName.get('fashion-mnist/resnet18_uniform8')).toBe(1.5);
    expect(byName.get('fashion-mnist/resnet18_uniform4')).toBeNull();
    const csv = toCsv(measured).trimEnd().split('\r\n');
    const col = csv[0]!.split(',').indexOf('speedup_cpu_measured');
    const cell = (name: string) => csv.find((l) => l.includes(name))!.split(',')[col];
    expect(cell('fashion-mnist/resnet18_uniform8')).toBe('1.5');
    expect(cell('fashion-mnist/resnet18_uniform4')).toBe('');
  });
});
