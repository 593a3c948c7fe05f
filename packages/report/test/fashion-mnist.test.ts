// The Fashion-MNIST table from evaluator results files that describe a narrow ResNet18, explicit
// bit configs and a second-engine comparison, read from a `fashion-mnist/` results subfolder.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getBitConfig } from '@hawq-ts/core/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildReport,
  computeCosts,
  loadResults,
  MergeConflictError,
  mergeResults,
  parseResultsJson,
  type Report,
  ResultsFileError,
  toCsv,
  toHtml,
  toJson,
  toMarkdown,
} from '../src/index.js';

interface Channels {
  init: number;
  stages: number[];
}

/**
 * ResNet18 (PyTorchCV layout, HAWQ names) written out layer by layer here, independently of
 * core's describeResNet: 7×7/2 stem, 3×3/2 max pool, 4 stages of 2 basic units (stride 2 on unit1
 * of stages 2–4, a 1×1 identity conv where shape changes), then the FC. Returns size (MiB) and
 * GBOPS for a bits lookup, FP = every parameter (BN γ/β, FC bias too) at 32 bits.
 */
function independent(
  ch: Channels,
  input: number,
  classes: number,
  bits: Map<string, number> | null,
) {
  const out = (h: number, k: number, s: number, p: number) => Math.floor((h + 2 * p - k) / s) + 1;
  const layers: { name: string; act: string; params: number; macs: number; extra: number }[] = [];
  const conv = (
    name: string,
    act: string,
    cin: number,
    cout: number,
    k: number,
    s: number,
    h: number,
  ) => {
    const o = out(h, k, s, k === 1 ? 0 : (k - 1) / 2);
    layers.push({
      name,
      act,
      params: cout * cin * k * k,
      macs: cout * cin * k * k * o * o,
      extra: 2 * cout,
    });
    return o;
  };
  let h = conv('quant_init_block_convbn', 'quant_input', 3, ch.init, 7, 2, input);
  h = out(h, 3, 2, 1);
  let cin = ch.init;
  ch.stages.forEach((cout, s) => {
    for (let u = 1; u <= 2; u++) {
      const p = `stage${s + 1}.unit${u}.`;
      const stride = u === 1 && s > 0 ? 2 : 1;
      const h1 = conv(`${p}quant_convbn1`, `${p}quant_act`, cin, cout, 3, stride, h);
      conv(`${p}quant_convbn2`, `${p}quant_act1`, cout, cout, 3, 1, h1);
      if (cin !== cout || stride !== 1)
        conv(`${p}quant_identity_convbn`, `${p}quant_act`, cin, cout, 1, stride, h);
      h = h1;
      cin = cout;
    }
  });
  layers.push({
    name: 'quant_output',
    act: 'quant_act_output',
    params: cin * classes,
    macs: cin * classes,
    extra: classes,
  });
  let size = 0;
  let bops = 0;
  for (const l of layers) {
    const w = bits ? bits.get(l.name)! : 32;
    const a = bits ? bits.get(l.act)! : 32;
    size += (bits ? l.params : l.params + l.extra) * w;
    bops += l.macs * w * a;
  }
  return { size: size / 8 / 2 ** 20, gbops: bops / 1e9, layers: layers.length };
}

const NARROW = { init: 16, stages: [16, 32, 64, 128] };

/** An ILP-looking config: stages 3–4 at 4 bits (weights and the quantizers feeding them). */
function mixedConfig(lowStages: number[]): Record<string, number> {
  const map = Object.fromEntries(getBitConfig('resnet18', 'uniform8').entries);
  for (const name of Object.keys(map)) {
    if (lowStages.some((s) => name.startsWith(`stage${s}.`))) map[name] = 4;
  }
  return map;
}
const ILP = mixedConfig([3, 4]);
const RANDOM = mixedConfig([1, 2]);

describe('computeCosts with widths and an explicit bit config', () => {
  it('full widths give the architecture default', () => {
    const full = computeCosts('resnet18', 'bops_0.5', {
      channels: { init: 64, stages: [64, 128, 256, 512] },
    });
    expect(full).toEqual(computeCosts('resnet18', 'bops_0.5'));
  });

  it.each([
    ['fp32', null, null],
    ['uniform8', 'uniform8', null],
    ['uniform4', 'uniform4', null],
    ['bops_0.5', 'bops_0.5', null],
    ['ILP map', 'file:ilp.json', ILP],
    ['random map', 'file:random.json', RANDOM],
  ] as const)(
    'narrow ResNet18 at 28×28, %s: equals the independent per-layer sum',
    (_, scheme, map) => {
      const got = computeCosts('resnet18', scheme, {
        inputSize: 28,
        numClasses: 10,
        channels: NARROW,
        bitConfig: map,
      });
      const bits =
        scheme === null
          ? null
          : new Map(
              Object.entries(map ?? Object.fromEntries(getBitConfig('resnet18', scheme).entries)),
            );
      const want = independent(NARROW, 28, 10, bits);
      expect(got.sizeMiB).toBeCloseTo(want.size, 12);
      expect(got.gbops).toBeCloseTo(want.gbops, 12);
    },
  );

  it('full-width ResNet18 at 224 matches the independent sum too (the check checks itself)', () => {
    const ch = { init: 64, stages: [64, 128, 256, 512] };
    const want = independent(ch, 224, 1000, new Map(getBitConfig('resnet18', 'uniform8').entries));
    expect(computeCosts('resnet18', 'uniform8').gbops).toBeCloseTo(want.gbops, 9);
    expect(want.layers).toBe(21);
  });

  it('rejects widths that do not fit the architecture, and incomplete maps', () => {
    expect(() =>
      computeCosts('resnet18', 'uniform8', { channels: { init: 16, stages: [16, 32] } }),
    ).toThrow(/channels.stages has 2 widths, resnet18 has 4 stages/);
    expect(() => computeCosts('inceptionv3', 'uniform8', { channels: NARROW })).toThrow(
      /custom widths are supported for resnet18/,
    );
    const { quant_act_output: _, ...partial } = ILP;
    expect(() =>
      computeCosts('resnet18', 'file:x.json', {
        channels: NARROW,
        inputSize: 28,
        numClasses: 10,
        bitConfig: partial,
      }),
    ).toThrow(/no entry for activation quantizer 'quant_act_output'/);
  });
});

const base = (scheme: string, top1: number, extra: Record<string, unknown> = {}) => ({
  model: 'resnet18',
  scheme,
  checkpoint: `/runs/fm/${scheme}/checkpoint.pth.tar`,
  checkpointSha256: null,
  // As the evaluator writes it: the root it read, which need not name the dataset.
  dataset: '/data/converted/val',
  count: 10000,
  top1,
  top5: 99.5,
  engine: 'ort',
  time: 12.5,
  imagesPerSecond: 800,
  perClass: Array.from({ length: 10 }, (_, c) => ({ class: String(c), count: 1000, top1 })),
  date: '2026-11-26T10:30:00.000Z',
  inputSize: 28,
  batchSize: 64,
  arch: 'resnet18',
  numClasses: 10,
  channels: NARROW,
  ...extra,
});

const comparison = (top1: number, reference: number, disagreements: number) => ({
  engine: 'ort-fast',
  reference: 'ort',
  count: 10000,
  top1,
  top5: 99.4,
  top1Difference: top1 - reference,
  argmaxDisagreements: disagreements,
  maxAbsLogitDifference: 0.25,
  maxAbsLogit: 20,
  maxRelLogitDifference: 0.0125,
  referenceSeconds: 4,
  seconds: 1,
});

describe('Fashion-MNIST table from a results folder', () => {
  let dir: string;
  let report: Report;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hawq-report-fm-'));
    const fm = join(dir, 'fashion-mnist');
    await mkdir(fm);
    const files: Record<string, unknown> = {
      'float.json': base('fp32', 91.8, { engine: 'tfjs', checkpoint: '/runs/fm/float.pth' }),
      'uniform8.json': base('uniform8', 91.7, { comparison: comparison(91.69, 91.7, 3) }),
      'uniform4.json': base('uniform4', 90.2),
      'bops.json': base('bops_0.5', 90.9),
      'ilp.json': base('file:/runs/fm/ilp/config.json', 91.3, {
        bitConfig: ILP,
        label: 'Hessian-ILP bops 0.5',
        command: 'pnpm quant-train -a resnet18 -e --engine ort --compare-engine ort-fast',
        comparison: comparison(91.25, 91.3, 11),
      }),
      'random.json': base('file:/runs/fm/random/config.json', 90.6, {
        bitConfig: RANDOM,
        label: 'Random 4/8-bit, same BOPS',
      }),
    };
    for (const [name, value] of Object.entries(files)) {
      await writeFile(join(fm, name), JSON.stringify(value, null, 2));
    }
    const loaded = await loadResults([dir]);
    report = buildReport({ results: mergeResults(loaded.evaluations) });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const table = () => report.tables.find((t) => t.dataset === 'fashion-mnist')!;

  it('reads the subfolder as Fashion-MNIST and never mistakes it for ImageNet rows', () => {
    expect(table().rows).toHaveLength(6);
    expect(report.remarks.join(' ')).not.toContain('Fashion-MNIST table omitted');
    const imagenet = report.tables.filter((t) => t.dataset === 'imagenet').flatMap((t) => t.rows);
    expect(imagenet.every((r) => r.top1Source === 'published')).toBe(true);
  });

  it('labels rows, orders them FP then by BOPS, and computes every size/BOPS independently', () => {
    const rows = table().rows;
    expect(rows[0]!.scheme).toBe('Floating Points');
    expect(rows[1]!.scheme).toBe('W8A8');
    expect(rows.at(-1)!.scheme).toBe('W4A4');
    for (let i = 2; i < rows.length; i++)
      expect(rows[i - 1]!.gbops!).toBeGreaterThanOrEqual(rows[i]!.gbops!);
    const bitsOf = (scheme: string | null, map?: Record<string, number>) =>
      scheme === null
        ? null
        : new Map(
            Object.entries(map ?? Object.fromEntries(getBitConfig('resnet18', scheme).entries)),
          );
    const want: Record<string, ReturnType<typeof independent>> = {
      'Floating Points': independent(NARROW, 28, 10, bitsOf(null)),
      W8A8: independent(NARROW, 28, 10, bitsOf('uniform8')),
      W4A4: independent(NARROW, 28, 10, bitsOf('uniform4')),
      'Mixed Precision Medium BOPS': independent(NARROW, 28, 10, bitsOf('bops_0.5')),
      'Hessian-ILP bops 0.5': independent(NARROW, 28, 10, bitsOf('x', ILP)),
      'Random 4/8-bit, same BOPS': independent(NARROW, 28, 10, bitsOf('x', RANDOM)),
    };
    for (const r of rows) {
      expect(r.sizeMiB, r.scheme).toBeCloseTo(want[r.scheme]!.size, 12);
      expect(r.gbops, r.scheme).toBeCloseTo(want[r.scheme]!.gbops, 12);
    }
    expect(rows.find((r) => r.scheme.startsWith('Hessian'))).toMatchObject({
      name: 'fashion-mnist/resnet18_hessian-ilp-bops-0.5',
      model: 'resnet18 (16/32/64/128)',
      bitConfig: 'file:config.json',
    });
  });

  it('Markdown: the second-engine column, the widths note and the bit-config note', () => {
    const md = toMarkdown(report);
    if (process.env.FM_DUMP) process.stderr.write(md.slice(md.indexOf('### ResNet18-structured')));
    const section = md.slice(md.indexOf('### ResNet18-structured model (Fashion-MNIST)'));
    expect(section).toMatch(/\| Second engine \(top-1, argmax ≠\)\S* \| Download \|/);
    const ilp = section.split('\n').find((l) => l.includes('Hessian-ILP bops 0.5'))!;
    expect(ilp).toContain('ort-fast 91.25 (Δ −0.05), argmax ≠ 11/10000, max Δlogit 1.3%');
    const random = section.split('\n').find((l) => l.includes('Random 4/8-bit'))!;
    expect(random).toMatch(/\| — \| fashion-mnist\/resnet18_random-4-8-bit-same-bops \|$/);
    expect(md).toContain('stem width 16 and stage widths 16/32/64/128');
    expect(md).toMatch(
      /Hessian-ILP bops 0\.5: bit config recorded in .*ilp\.json \(`bitConfig`, scheme file:\/runs\/fm\/ilp\/config\.json\); weights 4-bit ×10, 8-bit ×11/,
    );
    expect(md).toContain(
      'Second engine: the same test images also run through another inference engine',
    );
    expect(md).toContain('(10000 test images, engine tfjs)');
    // A single result naming its command is cited with it.
    expect(md).toMatch(
      /ilp\.json written by `pnpm quant-train -a resnet18 -e --engine ort --compare-engine ort-fast` \(10000 test images, engine ort\)/,
    );
  });

  it('CSV and JSON carry the comparison', () => {
    const csv = toCsv(report).trimEnd().split('\r\n');
    const header = csv[0]!.split(',');
    const ilp = csv.find((l) => l.includes('resnet18_hessian-ilp-bops-0.5'))!.split(',');
    const col = (name: string) => ilp[header.indexOf(name)];
    expect(col('engine')).toBe('ort');
    expect(col('compare_engine')).toBe('ort-fast');
    expect(col('compare_top1')).toBe('91.25');
    expect(col('compare_argmax_disagreements')).toBe('11');
    expect(col('compare_count')).toBe('10000');
    expect(Number(col('compare_top1_difference'))).toBeCloseTo(-0.05, 4);
    const json = JSON.parse(toJson(report)) as { name: string; comparison?: unknown }[];
    expect(
      json.find((r) => r.name === 'fashion-mnist/resnet18_hessian-ilp-bops-0.5')!.comparison,
    ).toMatchObject({
      engine: 'ort-fast',
      reference: 'ort',
      argmaxDisagreements: 11,
      count: 10000,
      top1: 91.25,
    });
    expect(json.filter((r) => 'comparison' in r)).toHaveLength(2);
  });

  it('HTML: the table and a captioned Fashion-MNIST plot with one point per row', () => {
    const html = toHtml(report);
    expect(html).toContain('<h2>Plot (Fashion-MNIST)</h2>');
    const points = [
      ...html.matchAll(/data-plot="fashion-mnist-top1-vs-bops" data-row="([^"]+)"/g),
    ].map((m) => m[1]);
    expect(points.sort()).toEqual(
      table()
        .rows.map((r) => r.name)
        .sort(),
    );
    expect(html).toContain('>Hessian-ILP bops 0.5</text>');
  });
});

describe('Fashion-MNIST results that cannot be costed, merged or read', () => {
  it('a file: scheme without bitConfig shows — with a note saying what to do', () => {
    const report = buildReport({
      results: mergeResults([
        {
          source: 'x.json',
          command: null,
          results: [{ ...base('file:cfg.json', 90), dataset: 'fashion-mnist' }],
        },
      ]),
    });
    const row = report.tables.at(-1)!.rows[0]!;
    expect(row.sizeMiB).toBeNull();
    expect(row.scheme).toBe('file:cfg.json');
    expect(toMarkdown(report)).toContain('records no bitConfig (HAWQ module name → bits)');
  });

  it('labels keep same-scheme rows apart; the same row twice with other numbers conflicts', () => {
    const a = {
      ...base('file:config.json', 91, { label: 'ILP', bitConfig: ILP }),
      dataset: 'fashion-mnist',
    };
    const b = { ...a, label: 'random', bitConfig: RANDOM, top1: 90 };
    expect(mergeResults([{ source: 'a', command: null, results: [a, b] }])).toHaveLength(2);
    expect(() =>
      mergeResults([
        { source: 'a.json', command: null, results: [a] },
        { source: 'b.json', command: null, results: [{ ...a, top1: 89 }] },
      ]),
    ).toThrow(MergeConflictError);
  });

  it('old files without the new fields still read; malformed new fields are named', () => {
    const old = parseResultsJson(
      JSON.stringify({
        model: 'resnet18',
        scheme: 'uniform8',
        dataset: 'fashion-mnist',
        count: 10,
        top1: 90,
      }),
      'old.json',
    );
    expect(old.results[0]!.channels).toBeUndefined();
    expect(() =>
      parseResultsJson(
        JSON.stringify(base('uniform8', 90, { comparison: comparison(90, 90, 10001) })),
        'c.json',
      ),
    ).toThrow(/c\.json: comparison\.argmaxDisagreements: argmaxDisagreements exceeds count/);
    expect(() =>
      parseResultsJson(
        JSON.stringify(base('uniform8', 90, { channels: { init: 16, stages: [] } })),
        'w.json',
      ),
    ).toThrow(ResultsFileError);
    expect(() =>
      parseResultsJson(
        JSON.stringify(base('uniform8', 90, { bitConfig: { quant_input: 0 } })),
        'b.json',
      ),
    ).toThrow(/b\.json: bitConfig\.quant_input/);
  });
});
