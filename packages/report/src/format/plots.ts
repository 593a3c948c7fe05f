import type { Report, ReportRow } from '../rows/types.js';
import { paretoFront } from './pareto.js';
import type { PlotPoint, PlotSpec } from './scatter.js';

const label = (r: ReportRow, extra: string) =>
  `${r.name} (${r.scheme}): ${extra}, top-1 ${r.top1?.toFixed(2)} % ${r.top1Source}`;

function point(r: ReportRow, x: number, y: number, extra: string): PlotPoint {
  return {
    row: r.name,
    x,
    y,
    series: r.model,
    hollow: r.top1Source !== 'measured',
    label: label(r, extra),
  };
}

function fronts(rows: readonly ReportRow[], x: (r: ReportRow) => number, what: string) {
  const models = [...new Set(rows.map((r) => r.model))];
  return models
    .map((model) => {
      const pts = rows
        .filter((r) => r.model === model)
        .map((r): [number, number] => [x(r), r.top1!]);
      return {
        series: model,
        points: paretoFront(pts),
        label: `${model}: Pareto front (top-1 vs ${what})`,
      };
    })
    .filter((l) => l.points.length > 1);
}

/** The ImageNet plots: top-1 vs BOPS and vs size with each model's Pareto front, and published vs ours. */
export function imagenetPlots(report: Report): PlotSpec[] {
  const rows = report.tables
    .filter((t) => t.dataset === 'imagenet')
    .flatMap((t) => t.rows)
    .filter((r) => r.top1 !== null && r.gbops !== null && r.sizeMiB !== null);
  return [
    {
      id: 'top1-vs-bops',
      title: 'Top-1 vs BOPS (lines: Pareto front per model)',
      xLabel: 'BOPS (G, computed, log scale)',
      yLabel: 'ImageNet top-1 (%)',
      xLog: true,
      points: rows.map((r) => point(r, r.gbops!, r.top1!, `${r.gbops!.toFixed(1)} GBOPS`)),
      lines: fronts(rows, (r) => r.gbops!, 'BOPS'),
    },
    {
      id: 'top1-vs-size',
      title: 'Top-1 vs model size (lines: Pareto front per model)',
      xLabel: 'Model size (MiB, computed, log scale)',
      yLabel: 'ImageNet top-1 (%)',
      xLog: true,
      points: rows.map((r) => point(r, r.sizeMiB!, r.top1!, `${r.sizeMiB!.toFixed(2)} MiB`)),
      lines: fronts(rows, (r) => r.sizeMiB!, 'size'),
    },
    {
      id: 'published-vs-measured',
      title: 'Top-1: published vs this report (on the line = equal)',
      xLabel: "Published top-1 (%, HAWQ's README)",
      yLabel: 'Top-1 in this report (%)',
      diagonal: true,
      points: rows
        .filter((r) => r.published.top1 !== null)
        .map((r) =>
          point(r, r.published.top1!, r.top1!, `published ${r.published.top1!.toFixed(2)}`),
        ),
    },
  ];
}

/**
 * Fashion-MNIST: top-1 vs BOPS of the trained model's configs, each point captioned with its
 * label (few points: the Hessian-ILP config and its same-BOPS control should be told apart).
 * Null when the report has no Fashion-MNIST rows with BOPS.
 */
export function fashionMnistPlot(report: Report): PlotSpec | null {
  const rows = report.tables
    .filter((t) => t.dataset === 'fashion-mnist')
    .flatMap((t) => t.rows)
    .filter((r) => r.top1 !== null && r.gbops !== null);
  if (rows.length === 0) return null;
  const series = 'Fashion-MNIST';
  const front = paretoFront(rows.map((r): [number, number] => [r.gbops!, r.top1!]));
  return {
    id: 'fashion-mnist-top1-vs-bops',
    title: 'Fashion-MNIST: top-1 vs BOPS (line: Pareto front)',
    xLabel: 'BOPS (G, computed, log scale)',
    yLabel: 'Fashion-MNIST top-1 (%)',
    xLog: true,
    points: rows.map((r) => ({
      ...point(r, r.gbops!, r.top1!, `${r.gbops!.toFixed(3)} GBOPS`),
      series,
      caption: r.scheme,
    })),
    lines:
      front.length > 1
        ? [{ series, points: front, label: 'Fashion-MNIST: Pareto front (top-1 vs BOPS)' }]
        : [],
  };
}
