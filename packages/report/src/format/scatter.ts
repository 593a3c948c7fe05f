import { esc } from './escape.js';
import { linearScale, logScale, type Scale } from './scale.js';

// A small hand-written SVG scatter plot. The report needs four static scatter plots with a few
// dozen points, lines and a legend; a charting library would add a browser runtime or a DOM
// shim for what is ~150 lines of string building, and the output must be inline static SVG.

export interface PlotPoint {
  /** Row name, written as data-row so tests and readers can find each row's point. */
  row: string;
  x: number;
  y: number;
  series: string;
  /** Hollow marker: the y value is a published number, not a measurement. */
  hollow: boolean;
  label: string;
  /** Short text drawn beside the point (plots with few points, e.g. Fashion-MNIST). */
  caption?: string;
}

export interface PlotSpec {
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  xLog?: boolean;
  yLog?: boolean;
  points: PlotPoint[];
  /** Polylines per series (e.g. Pareto fronts), in data coordinates. */
  lines?: { series: string; points: [number, number][]; label: string }[];
  /** Draw y = x (for published-vs-ours plots). */
  diagonal?: boolean;
}

const W = 560;
const H = 380;
const M = { left: 62, right: 16, top: 34, bottom: 50 };
const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#17becf'];

function scaleFor(values: number[], log: boolean | undefined, px0: number, px1: number): Scale {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  if (log) return logScale(lo, hi, px0, px1);
  const pad = (hi - lo) * 0.05 || 1;
  return linearScale(lo - pad, hi + pad, px0, px1);
}

export function seriesColors(series: readonly string[]): Map<string, string> {
  return new Map(series.map((s, i) => [s, PALETTE[i % PALETTE.length]!]));
}

export function scatterSvg(spec: PlotSpec, colors: Map<string, string>): string {
  const xs = spec.points.map((p) => p.x);
  const ys = spec.points.map((p) => p.y);
  if (spec.diagonal) {
    const all = [...xs, ...ys];
    xs.push(Math.min(...all), Math.max(...all));
    ys.push(Math.min(...all), Math.max(...all));
  }
  const sx = scaleFor(xs, spec.xLog, M.left, W - M.right);
  const sy = scaleFor(ys, spec.yLog, H - M.bottom, M.top);
  const f = (v: number) => v.toFixed(1);
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="plot" id="${esc(spec.id)}" data-plot="${esc(spec.id)}" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(spec.title)}">`,
    `<text x="${W / 2}" y="20" text-anchor="middle" class="title">${esc(spec.title)}</text>`,
  );
  for (const t of sx.ticks) {
    const x = f(sx.map(t));
    parts.push(
      `<line class="grid" x1="${x}" x2="${x}" y1="${M.top}" y2="${H - M.bottom}"/>`,
      `<text class="tick" x="${x}" y="${H - M.bottom + 16}" text-anchor="middle">${sx.format(t)}</text>`,
    );
  }
  for (const t of sy.ticks) {
    const y = f(sy.map(t));
    parts.push(
      `<line class="grid" x1="${M.left}" x2="${W - M.right}" y1="${y}" y2="${y}"/>`,
      `<text class="tick" x="${M.left - 6}" y="${y}" dy="4" text-anchor="end">${sy.format(t)}</text>`,
    );
  }
  parts.push(
    `<rect class="frame" x="${M.left}" y="${M.top}" width="${W - M.left - M.right}" height="${H - M.top - M.bottom}"/>`,
    `<text class="axis" x="${(M.left + W - M.right) / 2}" y="${H - 10}" text-anchor="middle">${esc(spec.xLabel)}</text>`,
    `<text class="axis" transform="translate(16 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(spec.yLabel)}</text>`,
  );
  if (spec.diagonal) {
    const lo = Math.min(...xs);
    const hi = Math.max(...xs);
    parts.push(
      `<line class="diagonal" x1="${f(sx.map(lo))}" y1="${f(sy.map(lo))}" x2="${f(sx.map(hi))}" y2="${f(sy.map(hi))}"/>`,
    );
  }
  for (const line of spec.lines ?? []) {
    const pts = line.points.map(([x, y]) => `${f(sx.map(x))},${f(sy.map(y))}`).join(' ');
    parts.push(
      `<polyline class="front" data-series="${esc(line.series)}" points="${pts}" stroke="${colors.get(line.series) ?? '#444'}"><title>${esc(line.label)}</title></polyline>`,
    );
  }
  for (const p of spec.points) {
    const color = colors.get(p.series) ?? '#444';
    parts.push(
      `<circle class="point" data-plot="${esc(spec.id)}" data-row="${esc(p.row)}" data-source="${p.hollow ? 'published' : 'measured'}" cx="${f(sx.map(p.x))}" cy="${f(sy.map(p.y))}" r="4.5" stroke="${color}" fill="${p.hollow ? 'white' : color}"><title>${esc(p.label)}</title></circle>`,
    );
    if (p.caption) {
      // Left of the point in the right half of the plot, so captions stay inside the frame.
      const x = sx.map(p.x);
      const right = x > (M.left + W - M.right) / 2;
      parts.push(
        `<text class="caption" x="${f(right ? x - 8 : x + 8)}" y="${f(sy.map(p.y))}" dy="-6" text-anchor="${right ? 'end' : 'start'}">${esc(p.caption)}</text>`,
      );
    }
  }
  parts.push('</svg>');
  return parts.join('\n');
}
