/** Where a top-1 value comes from. */
export type Top1Source = 'measured' | 'published';

/** The columns a footnote can attach to. */
export type NoteColumn = 'size' | 'gbops' | 'speedup' | 'speedupT4Estimate' | 'top1' | 'comparison';

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

/** A second engine run on the same images as the row's measurement (the evaluator's `comparison`). */
export interface EngineCheck {
  /** The second engine, e.g. `ort-fast`. */
  engine: string;
  /** The engine the row's top-1 comes from, when the file says. */
  reference: string | null;
  count: number;
  /** Top-1 (%) of the second engine. */
  top1: number;
  /** Second engine's top-1 − the row's top-1, in percentage points. */
  top1Difference: number;
  /** Images whose argmax differs between the two engines. */
  argmaxDisagreements: number;
  /** max |Δlogit| / max |logit of the reference|, when the file says. */
  maxRelLogitDifference: number | null;
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
  /** Fashion-MNIST rows whose evaluation also ran a second engine; null elsewhere. */
  engineCheck: EngineCheck | null;
  /** Footnote ids per column (texts in Report.notes). */
  notes: Partial<Record<NoteColumn, string[]>>;
}

/** `fashion`: the speed-up layout plus a column comparing a second inference engine. */
export type TableLayout = 'speedup' | 'baseline' | 'fashion';

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
