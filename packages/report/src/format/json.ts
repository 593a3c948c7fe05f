import type { EngineCheck, Report, ReportRow } from '../rows/types.js';

/**
 * One row of `--format json` — exactly these keys, in this order; `comparison` only on rows
 * whose evaluation also ran a second engine (Fashion-MNIST rows from the evaluator).
 */
export interface JsonRow {
  name: string;
  model: string;
  scheme: string;
  sizeMiB: number | null;
  gbops: number | null;
  top1: number | null;
  top1Source: 'measured' | 'published' | null;
  speedup: number | null;
  speedupT4Estimate: number | null;
  published: {
    sizeMB: number | null;
    gbops: number | null;
    speedup: number | null;
    top1: number | null;
  };
  comparison?: EngineCheck;
}

const round = (v: number | null, digits: number) => (v === null ? null : Number(v.toFixed(digits)));

export function toJsonRow(r: ReportRow): JsonRow {
  return {
    name: r.name,
    model: r.model,
    scheme: r.scheme,
    sizeMiB: round(r.sizeMiB, 4),
    gbops: round(r.gbops, 3),
    top1: r.top1,
    top1Source: r.top1Source,
    speedup: round(r.speedup, 3),
    speedupT4Estimate: round(r.speedupT4Estimate, 3),
    published: {
      sizeMB: r.published.sizeMB,
      gbops: r.published.gbops,
      speedup: r.published.speedup,
      top1: r.published.top1,
    },
    ...(r.engineCheck ? { comparison: { ...r.engineCheck } } : {}),
  };
}

/** Every row of every table (ImageNet first, then Fashion-MNIST) as a JSON array. */
export function toJson(report: Report): string {
  return `${JSON.stringify(
    report.tables.flatMap((t) => t.rows.map(toJsonRow)),
    null,
    2,
  )}\n`;
}
