/** Where a top-1 value comes from. */
export type Top1Source = 'measured' | 'published';

/** The columns a footnote can attach to. */
export type NoteColumn = 'size' | 'gbops' | 'speedup' | 'speedupT4Estimate' | 'top1';

/** HAWQ's README values of a row (null where it prints none). */
export interface PublishedValues {
  sizeMB: number | null;
  gbops: number | null;
  speedup: number | null;
  top1: number | null;
}

export interface Measurement {
  /** Results file the value came from. */
  source: string;
  /** Command that wrote that file, when it says. */
  command: string | null;
  count: number;
  engine: string | null;
}

export interface ReportRow {
  /** Zoo name (`resnet18_bops0.5`); `fashion-mnist/<model>_<scheme>` for Fashion-MNIST rows. */
  name: string;
  /** README "Model" column, e.g. `ResNet18`. */
  model: string;
  arch: string;
  /** README "Quantization Scheme" column, e.g. `Mixed Precision Medium BOPS`. */
  scheme: string;
  /** bit_config scheme, null for FP. */
  bitConfig: string | null;
  sizeMiB: number | null;
  sizeMiBWeightsOnly: number | null;
  gbops: number | null;
  top1: number | null;
  top1Source: Top1Source | null;
  measurement: Measurement | null;
  /** Measured CPU float/int8 latency ratio; null when not measured. */
  speedup: number | null;
  /** Estimated T4 speed-up over W8A8 (body convs, HAWQ's per-layer table); null when not estimable. */
  speedupT4Estimate: number | null;
  published: PublishedValues;
  /** Footnote ids per column (texts in Report.notes). */
  notes: Partial<Record<NoteColumn, string[]>>;
}

export type TableLayout = 'speedup' | 'baseline';

export interface ReportTable {
  title: string;
  dataset: 'imagenet' | 'fashion-mnist';
  layout: TableLayout;
  rows: ReportRow[];
}

export interface Report {
  tables: ReportTable[];
  /** Footnote id → text, in insertion order. */
  notes: Map<string, string>;
  /** One-line remarks for the output (e.g. why a table is missing). */
  remarks: string[];
}
