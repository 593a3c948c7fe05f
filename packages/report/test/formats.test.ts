import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildReport, mergeResults, toCsv, toJson, toMarkdown } from '../src/index.js';
import { result } from './helpers.js';

const nullableNumber = z.number().nullable();
// The documented `--format json` row: exactly these keys (strict: no extra keys allowed).
const jsonRow = z.strictObject({
  name: z.string(),
  model: z.string(),
  scheme: z.string(),
  sizeMiB: nullableNumber,
  gbops: nullableNumber,
  top1: nullableNumber,
  top1Source: z.enum(['measured', 'published']).nullable(),
  speedup: nullableNumber,
  speedupT4Estimate: nullableNumber,
  published: z.strictObject({
    sizeMB: nullableNumber,
    gbops: nullableNumber,
    speedup: nullableNumber,
    top1: nullableNumber,
  }),
});

const measured = mergeResults([
  {
    source: 'r/eval.json',
    command: 'pnpm quant-train -e',
    results: [result('resnet18_bops0.5', 70.31, { count: 1000 })],
  },
  {
    source: 'r/fm.json',
    command: 'pnpm quant-train --data fmnist',
    results: [
      result('resnet18', 92.1, { scheme: 'fp32', dataset: 'fashion-mnist', count: 10000 }),
      result('resnet18', 91.9, { scheme: 'uniform8', dataset: 'fashion-mnist', count: 10000 }),
    ],
  },
]);
const report = buildReport({ results: measured });

describe('--format json', () => {
  const rows = JSON.parse(toJson(report)) as unknown[];
  it('is an array of rows with exactly the documented keys', () => {
    expect(rows).toHaveLength(29);
    for (const row of rows) jsonRow.parse(row);
  });
  it('says where each top-1 comes from', () => {
    const r = rows.map((x) => jsonRow.parse(x));
    const bops = r.find((x) => x.name === 'resnet18_bops0.5')!;
    expect(bops).toMatchObject({
      top1: 70.31,
      top1Source: 'measured',
      published: { top1: 70.22, sizeMB: 6.7, gbops: 72 },
    });
    expect(bops.sizeMiB).toBeCloseTo(6.487, 3);
    expect(r.filter((x) => x.top1Source === 'published')).toHaveLength(26);
    expect(r.find((x) => x.name === 'fashion-mnist/resnet18_uniform8')).toMatchObject({
      top1: 91.9,
      top1Source: 'measured',
      scheme: 'W8A8',
    });
  });
});

describe('--format csv', () => {
  const lines = toCsv(report).trimEnd().split('\r\n');
  it('has a header and one line per row, with plain numbers', () => {
    expect(lines[0]!.split(',')).toContain('published_top1');
    expect(lines).toHaveLength(30);
    expect(lines[1]).toBe(
      'imagenet,resnet18_baseline,ResNet18,Floating Points,fp32,44.5919,44.5515,1857.611,71.47,published,,,44.6,1858,1,71.47,,,,,,,',
    );
    expect(lines.find((l) => l.includes('resnet18_bops0.5'))).toContain(',70.31,measured,');
    expect(lines.at(-1)).toMatch(
      /^fashion-mnist,fashion-mnist\/resnet18_uniform8,resnet18,W8A8,uniform8,/,
    );
  });
});

describe('Markdown', () => {
  const md = toMarkdown(report);
  const tables = md.split('### ').slice(1);
  it("keeps the README's layout: four ImageNet tables plus Fashion-MNIST", () => {
    expect(tables.map((t) => t.split('\n')[0])).toEqual([
      'ResNet18 (ImageNet)',
      'ResNet50 (ImageNet)',
      'ResNet101 / ResNet101b baselines (ImageNet)',
      'InceptionV3 baseline (ImageNet)',
      'ResNet18-structured model (Fashion-MNIST)',
    ]);
    const rowCount = (t: string) =>
      t.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Model')).length;
    expect(tables.map(rowCount)).toEqual([12, 12, 2, 1, 2]);
    expect(tables[0]).toContain(
      '| Model | Quantization Scheme | Model Size(MB) | BOPS(G) | Speed-Up (CPU, measured) |',
    );
    expect(tables[2]).toContain(
      '| Model | Quantization | Model Size(MB) | BOPS(G) | Accuracy(%) | Download |',
    );
  });
  it('marks measured and published accuracy differently, with notes', () => {
    const bops = md.split('\n').find((l) => l.includes('| resnet18_bops0.5 |'))!;
    expect(bops).toMatch(/\| 70\.31\S+ \(pub\. 70\.22\) \|/);
    expect(md).toContain('Measured on 1000 of the 50000 ImageNet validation images');
    expect(md).toContain(
      'Top-1 measured by this project: r/eval.json written by `pnpm quant-train -e`.',
    );
    expect(md.split('\n').find((l) => l.includes('| resnet18_uniform8 |'))).toMatch(
      /71\.56\S* \(published\)/,
    );
  });
  it('every marker used in a table has its note', () => {
    const notes = md.slice(md.indexOf('Notes:'));
    const markers = new Set(
      [...md.slice(0, md.indexOf('Notes:')).matchAll(/[†‡§¶‖※⁑⁂♯♮]|\[\d+\]/g)].map((m) => m[0]),
    );
    for (const m of markers) expect(notes).toContain(`- ${m} `);
  });
  it('says when the Fashion-MNIST table is missing', () => {
    expect(toMarkdown(buildReport())).toContain('Fashion-MNIST table omitted');
  });
});
