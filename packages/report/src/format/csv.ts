import type { Report } from '../rows/types.js';

// RFC 4180 quoting is one rule (quote fields holding a comma, quote or newline; double the
// quotes), so it is written here rather than pulling in a CSV library for a write-only table.
const field = (v: string | number | null): string => {
  const s = v === null ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

const HEADER = [
  'dataset',
  'name',
  'model',
  'scheme',
  'bit_config',
  'size_mib',
  'size_mib_weights_only',
  'gbops',
  'top1',
  'top1_source',
  'speedup_cpu_measured',
  'speedup_t4_estimate_vs_w8a8',
  'published_size_mb',
  'published_gbops',
  'published_speedup',
  'published_top1',
  'engine',
  'compare_engine',
  'compare_top1',
  'compare_top1_difference',
  'compare_argmax_disagreements',
  'compare_count',
  'compare_max_rel_logit_difference',
];

/** Plain numbers, one row per model, no footnote markers (the Markdown output carries the notes). */
export function toCsv(report: Report): string {
  const lines = [HEADER.join(',')];
  const num = (v: number | null, d: number) => (v === null ? null : Number(v.toFixed(d)));
  for (const table of report.tables) {
    for (const r of table.rows) {
      const c = r.engineCheck;
      lines.push(
        [
          table.dataset,
          r.name,
          r.model,
          r.scheme,
          r.bitConfig ?? 'fp32',
          num(r.sizeMiB, 4),
          num(r.sizeMiBWeightsOnly, 4),
          num(r.gbops, 3),
          r.top1,
          r.top1Source,
          num(r.speedup, 3),
          num(r.speedupT4Estimate, 3),
          r.published.sizeMB,
          r.published.gbops,
          r.published.speedup,
          r.published.top1,
          r.measurement?.engine ?? null,
          c?.engine ?? null,
          c?.top1 ?? null,
          num(c?.top1Difference ?? null, 4),
          c?.argmaxDisagreements ?? null,
          c?.count ?? null,
          c?.maxRelLogitDifference ?? null,
        ]
          .map(field)
          .join(','),
      );
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}
