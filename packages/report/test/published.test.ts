import { describe, expect, it } from 'vitest';
import { buildReport, toMarkdown } from '../src/index.js';
import { parseSeedTables } from './helpers.js';

const seed = parseSeedTables();
const report = buildReport();
const rows = report.tables.flatMap((t) => t.rows);

// hawq-spec §6: which published values differ from what the configs imply (✗), per row.
const MIXED = [
  'size0.75',
  'size0.5',
  'size0.25',
  'bops0.75',
  'bops0.5',
  'bops0.25',
  'latency0.75',
  'latency0.5',
  'latency0.25',
];
const BOPS_OK = new Set(['resnet18_bops0.25', 'resnet18_latency0.25']);
const expectedDiffs = new Map<string, Set<'size' | 'gbops'>>();
for (const arch of ['resnet18', 'resnet50']) {
  for (const s of MIXED) {
    const name = `${arch}_${s}`;
    expectedDiffs.set(name, new Set(BOPS_OK.has(name) ? ['size'] : ['size', 'gbops']));
  }
}
expectedDiffs.set('resnet50_baseline', new Set(['size']));
expectedDiffs.set('resnet50_uniform8', new Set(['size']));
expectedDiffs.set('resnet18_uniform4', new Set(['gbops']));
expectedDiffs.set('resnet101_baseline', new Set(['size', 'gbops']));
expectedDiffs.set('resnet101b_baseline', new Set(['size', 'gbops']));

describe('published values', () => {
  it('the seed README has the 27 rows', () => {
    expect(seed).toHaveLength(27);
  });

  it.each(seed.map((s) => [s.name, s] as const))(
    '%s matches the seed README exactly',
    (name, s) => {
      const row = rows.find((r) => r.name === name)!;
      expect(row.model).toBe(s.model);
      expect(row.scheme).toBe(s.scheme);
      expect(row.published).toEqual({
        sizeMB: s.sizeMB,
        gbops: s.gbops,
        speedup: s.speedup,
        top1: s.top1,
      });
      // With no evaluation results, the top-1 shown is the published one, marked as such.
      expect(row.top1).toBe(s.top1);
      expect(row.top1Source).toBe('published');
    },
  );

  it.each(rows.map((r) => [r.name, r] as const))(
    '%s shows published size/BOPS beside the computed one exactly where they differ (hawq-spec §6)',
    (name, row) => {
      const want = expectedDiffs.get(name) ?? new Set();
      const flagged = new Set(
        (['size', 'gbops'] as const).filter((c) =>
          (row.notes[c] ?? []).some((id) => id.startsWith('pub-')),
        ),
      );
      expect(flagged).toEqual(want);
    },
  );

  it('marks published values in the Markdown with a footnote, e.g. 6.49 (pub. 6.7†)', () => {
    const md = toMarkdown(report);
    const line = md.split('\n').find((l) => l.includes('resnet18_bops0.5'))!;
    const m = /6\.49 \(pub\. 6\.7(\S+)\)/.exec(line);
    expect(m).not.toBeNull();
    expect(md).toContain(
      `- ${m![1]} Published sizes of the mixed-precision rows are 0.14–0.42 MiB larger`,
    );
    expect(line).toContain('74.2 (pub. 72');
    expect(line).toMatch(/70\.22\S* \(published\)/);
  });

  it('never prints a published size/BOPS without a note', () => {
    const md = toMarkdown(report);
    for (const m of md.matchAll(/\(pub\. [\d.]+([^)]*)\)/g))
      expect(m[1]!.length).toBeGreaterThan(0);
  });
});
