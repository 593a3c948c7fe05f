import { ZOO_MODELS, type ZooModel } from '@hawq-ts/zoo';
import { datasetKind, isImagenetResult, zooModelOf } from '../results/match.js';
import type { MergedResult } from '../results/merge.js';
import { computeCosts } from './computed.js';
import type { FashionDeployMeasurements } from './deploy-fashion-results.js';
import type { DeployMeasurements } from './deploy-results.js';
import { SPEEDUP_BATCH } from './deploy-results.js';
import { type Discrepancy, discrepancies, explain } from './discrepancies.js';
import { fashionMnistTable } from './fashion-mnist.js';
import { t4EstimateFor } from './t4-estimate.js';
import type { NoteColumn, Report, ReportRow, ReportTable } from './types.js';

export const DISPLAY_ARCH: Readonly<Record<string, string>> = {
  resnet18: 'ResNet18',
  resnet50: 'ResNet50',
  resnet101: 'ResNet101',
  resnet101b: 'ResNet101b',
  inceptionv3: 'InceptionV3',
};

/** ImageNet validation set size: fewer images means a subset evaluation, said in a note. */
export const IMAGENET_VAL_IMAGES = 50_000;

export interface BuildOptions {
  /** Evaluation results, already merged (one per evaluation). */
  results?: readonly MergedResult[];
  /** The deploy benchmark's measurements, for the CPU speed-up column. */
  deploy?: DeployMeasurements | null;
  /** `pnpm bench deploy-fashion`'s measurements, for the Fashion-MNIST speed-up column. */
  deployFashion?: FashionDeployMeasurements | null;
  /** Whether a Fashion-MNIST results file was given (to say why the table is missing). */
  fashionMnistSource?: string | null;
  /** How to print a file path in notes (the CLI makes them relative to the working folder). */
  displayPath?: (file: string) => string;
}

class NoteBook {
  readonly notes = new Map<string, string>();
  add(row: ReportRow, column: NoteColumn, id: string, text: string): void {
    if (!this.notes.has(id)) this.notes.set(id, text);
    const ids = row.notes[column] ?? [];
    if (!ids.includes(id)) ids.push(id);
    row.notes[column] = ids;
  }
}

function measuredNote(m: MergedResult, show: (f: string) => string): { id: string; text: string } {
  const cmd = m.command ? ` written by \`${m.command}\`` : '';
  return {
    id: `measured:${m.source}`,
    text: `Top-1 measured by this project: ${show(m.source)}${cmd}.`,
  };
}

function imagenetRow(
  model: ZooModel,
  measured: MergedResult | undefined,
  deploy: DeployMeasurements | null,
  book: NoteBook,
  show: (file: string) => string,
  gaps: Map<
    string,
    { explanation: ReturnType<typeof explain>; found: (Discrepancy & { model: ZooModel })[] }
  >,
): ReportRow {
  const costs = computeCosts(model.arch, model.bitConfig);
  const cpu = deploy?.byArch.get(model.arch);
  const row: ReportRow = {
    name: model.name,
    model: DISPLAY_ARCH[model.arch] ?? model.arch,
    arch: model.arch,
    scheme: model.scheme,
    bitConfig: model.bitConfig,
    sizeMiB: costs.sizeMiB,
    sizeMiBWeightsOnly: costs.sizeMiBWeightsOnly,
    gbops: costs.gbops,
    top1: measured ? measured.result.top1 : model.top1,
    top1Source: measured ? 'measured' : 'published',
    measurement: measured
      ? {
          source: measured.source,
          command: measured.command,
          count: measured.result.count,
          engine: measured.result.engine ?? null,
        }
      : null,
    speedup: cpu ? (model.bitConfig === null ? 1 : cpu.ratio) : null,
    speedupT4Estimate: t4EstimateFor(model.arch, model.bitConfig),
    published: {
      sizeMB: model.sizeMB,
      gbops: model.gbops,
      speedup: model.speedUp,
      top1: model.top1,
    },
    engineCheck: null,
    notes: {},
  };
  if (model.bitConfig === null) {
    book.add(row, 'size', 'fp-size', '');
  }
  for (const d of discrepancies(model, costs)) {
    const explanation = explain(model, d);
    const entry = gaps.get(explanation.id) ?? { explanation, found: [] };
    entry.found.push({ ...d, model });
    gaps.set(explanation.id, entry);
    book.add(row, d.column === 'size' ? 'size' : 'gbops', explanation.id, '');
  }
  if (measured) {
    const { id, text } = measuredNote(measured, show);
    book.add(row, 'top1', id, text);
    if (measured.result.count < IMAGENET_VAL_IMAGES) {
      book.add(
        row,
        'top1',
        `subset:${measured.result.count}`,
        `Measured on ${measured.result.count} of the ${IMAGENET_VAL_IMAGES} ImageNet validation images (a subset: not comparable to the full-set published value).`,
      );
    }
  } else {
    book.add(
      row,
      'top1',
      'top1-published',
      "Published top-1 from HAWQ's README: no evaluation result for this row in the loaded results (add one with --results DIR, or run it with --evaluate --data DIR).",
    );
  }
  if (cpu && deploy) {
    book.add(
      row,
      'speedup',
      'cpu',
      `Measured CPU speed-up: onnxruntime float graph / all-int8 graph (QLinearConv + QLinearAdd, the deploy "int8" engine; HAWQ's 16-bit residuals held in 8 bits) latency at batch ${SPEEDUP_BATCH} on this machine (${deploy.machine}${deploy.threads ? `, ${deploy.threads} threads` : ''}), from ${show(deploy.source)} written by \`${deploy.command}\` on ${deploy.date} (timing does not depend on the weights; the benchmark uses synthetic uniform8 models). FP rows are the 1.00x reference.`,
    );
    if (model.bitConfig !== null && model.bitConfig !== 'uniform8') {
      book.add(
        row,
        'speedup',
        'cpu-int4',
        'int4 and mixed-precision rows run as int8 on CPU (onnxruntime has no int4 kernels), so they show the W8A8 ratio.',
      );
    }
  } else if (model.speedUp !== null || deploy) {
    book.add(
      row,
      'speedup',
      'cpu-none',
      deploy
        ? `Not measured: ${show(deploy.source)} has no float and int8 timings at batch ${SPEEDUP_BATCH} for this architecture.`
        : 'Not measured: no deploy benchmark results loaded (run `pnpm bench deploy`, or pass its results file).',
    );
  }
  if (row.speedupT4Estimate !== null) {
    book.add(
      row,
      'speedupT4Estimate',
      't4',
      "Estimate, not a measurement: T4 speed-up over W8A8 = Σ int8 latency / Σ latency at the config's bits, summed over the body convolutions of HAWQ's per-layer T4 table (ILP.ipynb, batch 8, ms). The table has no first conv or FC (8-bit in every config, left out, which slightly overstates the ratio) and no FP timings, so FP rows have no estimate. Relative to W8A8, as HAWQ's speed-up column was before 2020-12-23; multiply by the published W8A8 speed-up for an FP-relative figure.",
    );
  } else if (model.speedUp !== null) {
    book.add(
      row,
      'speedupT4Estimate',
      't4-none',
      "No T4 estimate: HAWQ's per-layer T4 table covers only the quantized ResNet18/ResNet50 body convolutions (no FP timings).",
    );
  }
  return row;
}

function fpSizeNote(rows: readonly ReportRow[]): string {
  const fp = rows.filter((r) => r.bitConfig === null && r.sizeMiBWeightsOnly !== null);
  const weights = fp.map((r) => `${r.model} ${r.sizeMiBWeightsOnly!.toFixed(2)}`).join(', ');
  return `FP rows count all PyTorchCV parameters (conv/FC weights, BN γ/β, FC bias) at 4 bytes / 2^20, as the FP32 model files are sized; quantized rows count conv/FC weights only (BN folded, biases not counted) at their bit widths. FP conv/FC weights only: ${weights} MiB.`;
}

/** Builds every table: the README's ImageNet tables (27 zoo rows) and, if given, Fashion-MNIST. */
export function buildReport(opts: BuildOptions = {}): Report {
  const book = new NoteBook();
  const gaps = new Map<
    string,
    { explanation: ReturnType<typeof explain>; found: (Discrepancy & { model: ZooModel })[] }
  >();
  const imagenet = new Map<string, MergedResult>();
  const fashion: MergedResult[] = [];
  for (const m of opts.results ?? []) {
    if (datasetKind(m.result.dataset) === 'fashion-mnist') fashion.push(m);
    const zoo = isImagenetResult(m.result) ? zooModelOf(m.result) : undefined;
    if (zoo) imagenet.set(zoo.name, m);
  }
  const show = opts.displayPath ?? ((file: string) => file);
  const rows = ZOO_MODELS.map((model) =>
    imagenetRow(model, imagenet.get(model.name), opts.deploy ?? null, book, show, gaps),
  );
  const pick = (...archs: string[]) => rows.filter((r) => archs.includes(r.arch));
  const tables: ReportTable[] = [
    {
      title: 'ResNet18 (ImageNet)',
      dataset: 'imagenet',
      layout: 'speedup',
      rows: pick('resnet18'),
    },
    {
      title: 'ResNet50 (ImageNet)',
      dataset: 'imagenet',
      layout: 'speedup',
      rows: pick('resnet50'),
    },
    {
      title: 'ResNet101 / ResNet101b baselines (ImageNet)',
      dataset: 'imagenet',
      layout: 'baseline',
      rows: pick('resnet101', 'resnet101b'),
    },
    {
      title: 'InceptionV3 baseline (ImageNet)',
      dataset: 'imagenet',
      layout: 'baseline',
      rows: pick('inceptionv3'),
    },
  ];
  const notes = new Map<string, string>();
  for (const [id, text] of book.notes) {
    if (id === 'fp-size') notes.set(id, fpSizeNote(rows));
    else notes.set(id, text || gaps.get(id)!.explanation.text(gaps.get(id)!.found));
  }
  const remarks: string[] = [];
  if (fashion.length > 0) {
    const table = fashionMnistTable(fashion, notes, show, opts.deployFashion ?? null);
    tables.push(table);
  } else {
    remarks.push(
      opts.fashionMnistSource
        ? `Fashion-MNIST table omitted: ${show(opts.fashionMnistSource)} holds no Fashion-MNIST results.`
        : "Fashion-MNIST table omitted: no Fashion-MNIST results loaded (put the evaluator's results files of the run in a results folder's fashion-mnist/ subfolder, or pass --fashion-mnist FILE).",
    );
  }
  return { tables, notes, remarks };
}
