import { ENGINE_CHECK_NOTE, FASHION_CPU_NOTE } from '../rows/fashion-mnist.js';
import type { NoteColumn, ReportRow, TableLayout } from '../rows/types.js';
import type { Markers } from './markers.js';

// The text of each table cell, shared by the Markdown and HTML tables so both say the same.

const DASH = '—';
const isPublishedNote = (id: string) => id.startsWith('pub-');
/** Notes that hold for a whole column go to its header instead of every cell. */
export const HEADER_NOTES: Readonly<Partial<Record<NoteColumn, readonly string[]>>> = {
  speedup: ['cpu', FASHION_CPU_NOTE],
  speedupT4Estimate: ['t4'],
  comparison: [ENGINE_CHECK_NOTE],
};
const inHeader = (column: NoteColumn, id: string) => HEADER_NOTES[column]?.includes(id) ?? false;

function marks(row: ReportRow, column: NoteColumn, markers: Markers, published: boolean): string {
  return (row.notes[column] ?? [])
    .filter((id) => isPublishedNote(id) === published && !inHeader(column, id))
    .map((id) => markers.marker(id))
    .join('');
}

/**
 * `digits` decimals, but 3 significant digits below 1: the Fashion-MNIST model's 0.152 GBOPS
 * would otherwise print as 0.2 for every config. (No ImageNet value is below 1.)
 */
function fixed(value: number, digits: number): string {
  return Math.abs(value) < 1 && value !== 0 ? value.toPrecision(3) : value.toFixed(digits);
}

/** A percentage to 0.1, or 2 significant digits below 1 % (engines that nearly agree). */
const percent = (p: number) => (p >= 1 ? p.toFixed(1) : p.toPrecision(2));

function withPublished(
  row: ReportRow,
  column: 'size' | 'gbops',
  value: number | null,
  digits: number,
  published: number | null,
  publishedDigits: number,
  markers: Markers,
): string {
  if (value === null) return DASH + marks(row, column, markers, false);
  const own = fixed(value, digits) + marks(row, column, markers, false);
  const pubMarks = marks(row, column, markers, true);
  // A published value is shown only when it differs, and then always with its footnote.
  return pubMarks && published !== null
    ? `${own} (pub. ${published.toFixed(publishedDigits)}${pubMarks})`
    : own;
}

export const cell = {
  size: (r: ReportRow, m: Markers) =>
    withPublished(r, 'size', r.sizeMiB, 2, r.published.sizeMB, 1, m),
  gbops: (r: ReportRow, m: Markers) =>
    withPublished(r, 'gbops', r.gbops, 1, r.published.gbops, 0, m),
  speedup: (r: ReportRow, m: Markers) =>
    (r.speedup === null ? DASH : `${r.speedup.toFixed(2)}x`) + marks(r, 'speedup', m, false),
  speedupT4Estimate: (r: ReportRow, m: Markers) =>
    (r.speedupT4Estimate === null ? DASH : `${r.speedupT4Estimate.toFixed(2)}x est.`) +
    marks(r, 'speedupT4Estimate', m, false),
  publishedSpeedup: (r: ReportRow) =>
    r.published.speedup === null ? DASH : `${r.published.speedup.toFixed(2)}x`,
  top1: (r: ReportRow, m: Markers) => {
    if (r.top1 === null) return DASH;
    const own = r.top1.toFixed(2) + marks(r, 'top1', m, false);
    if (r.top1Source === 'published') return `${own} (published)`;
    return r.published.top1 === null ? own : `${own} (pub. ${r.published.top1.toFixed(2)})`;
  },
  /** `ort-fast 91.20 (Δ −0.05), argmax ≠ 12/10000, max Δlogit 1.3%` */
  engineCheck: (r: ReportRow, m: Markers) => {
    const c = r.engineCheck;
    if (c === null) return DASH;
    const delta = c.top1Difference.toFixed(2).replace(/^-/, '−');
    const sign = c.top1Difference > 0 && delta !== '0.00' ? '+' : '';
    const logits =
      c.maxRelLogitDifference === null
        ? ''
        : `, max Δlogit ${percent(c.maxRelLogitDifference * 100)}%`;
    return `${c.engine} ${c.top1.toFixed(2)} (Δ ${sign}${delta}), argmax ≠ ${c.argmaxDisagreements}/${c.count}${logits}${marks(r, 'comparison', m, false)}`;
  },
};

export interface Column {
  header: string;
  /** The row field whose column-wide notes are marked in the header. */
  noteColumn?: NoteColumn;
  text: (row: ReportRow, markers: Markers) => string;
}

/** The header text with the markers of column-wide notes that some row of the table carries. */
export function headerText(column: Column, rows: readonly ReportRow[], markers: Markers): string {
  const nc = column.noteColumn;
  if (!nc) return column.header;
  const ids = (HEADER_NOTES[nc] ?? []).filter((id) => rows.some((r) => r.notes[nc]?.includes(id)));
  return column.header + ids.map((id) => markers.marker(id)).join('');
}

const download: Column = { header: 'Download', text: (r) => r.name };

/** The README's layout for the ResNet18/ResNet50 tables, with the speed-up split by source. */
export const SPEEDUP_COLUMNS: Column[] = [
  { header: 'Model', text: (r) => r.model },
  { header: 'Quantization Scheme', text: (r) => r.scheme },
  { header: 'Model Size(MB)', text: cell.size },
  { header: 'BOPS(G)', text: cell.gbops },
  { header: 'Speed-Up (CPU, measured)', noteColumn: 'speedup', text: cell.speedup },
  {
    header: 'Speed-Up (T4, est. vs W8A8)',
    noteColumn: 'speedupT4Estimate',
    text: cell.speedupT4Estimate,
  },
  { header: 'Speed-Up (T4, published)', text: (r) => cell.publishedSpeedup(r) },
  { header: 'Accuracy(%)', text: cell.top1 },
  download,
];

/** Fashion-MNIST: the speed-up layout with the second-engine check before the row name. */
export const FASHION_COLUMNS: Column[] = [
  ...SPEEDUP_COLUMNS.slice(0, -1),
  { header: 'Second engine (top-1, argmax ≠)', noteColumn: 'comparison', text: cell.engineCheck },
  download,
];

/** The README's layout for the baseline tables (no speed-up column). */
export const BASELINE_COLUMNS: Column[] = [
  { header: 'Model', text: (r) => r.model },
  { header: 'Quantization', text: (r) => r.scheme },
  { header: 'Model Size(MB)', text: cell.size },
  { header: 'BOPS(G)', text: cell.gbops },
  { header: 'Accuracy(%)', text: cell.top1 },
  download,
];

export function columnsFor(layout: TableLayout): Column[] {
  if (layout === 'baseline') return BASELINE_COLUMNS;
  return layout === 'fashion' ? FASHION_COLUMNS : SPEEDUP_COLUMNS;
}
