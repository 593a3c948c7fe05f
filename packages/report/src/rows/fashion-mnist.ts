import type { MergedResult } from '../results/merge.js';
import type { EvalResult } from '../results/schema.js';
import { type ComputedCosts, computeCosts, type ResNetChannels } from './computed.js';
import { type FashionDeployMeasurements, fashionSpeedupFor } from './deploy-fashion-results.js';
import { SPEEDUP_BATCH } from './deploy-results.js';
import {
  FMNIST_CLASSES,
  FMNIST_INPUT,
  fashionModelIdentity,
  type ModelIdentity,
  schemeKey,
} from './model-identity.js';
import type { EngineCheck, ReportRow, ReportTable } from './types.js';

const SCHEME_LABEL: Readonly<Record<string, string>> = {
  uniform8: 'W8A8',
  uniform4: 'W4A4',
  'modelsize_0.75': 'Mixed Precision High Size',
  'modelsize_0.5': 'Mixed Precision Medium Size',
  'modelsize_0.25': 'Mixed Precision Low Size',
  'bops_0.75': 'Mixed Precision High BOPS',
  'bops_0.5': 'Mixed Precision Medium BOPS',
  'bops_0.25': 'Mixed Precision Low BOPS',
  'latency_0.75': 'Mixed Precision High Latency',
  'latency_0.5': 'Mixed Precision Medium Latency',
  'latency_0.25': 'Mixed Precision Low Latency',
};

/** Note id of the column-wide explanation of the second-engine column. */
export const ENGINE_CHECK_NOTE = 'fmnist-engine-check';
/** Note id of the column-wide explanation of the measured CPU speed-up. */
export const FASHION_CPU_NOTE = 'fmnist-cpu';

const FILE_SCHEME = /^file:/i;
const RERUN =
  'run `pnpm bench deploy-fashion` (after `pnpm build`) and copy tools/bench/results/deploy-fashion.json to packages/report/results/ (or pass its folder with --results)';

/** Fills the row's measured speed-up and says where it comes from, or why there is none. */
function speedupOf(
  row: ReportRow,
  r: EvalResult,
  deploy: FashionDeployMeasurements | null,
  notes: Map<string, string>,
  show: (file: string) => string,
): void {
  let identity: ModelIdentity | null = null;
  let why = '';
  try {
    identity = fashionModelIdentity(r);
  } catch (err) {
    why = (err as Error).message;
  }
  const speed = deploy && identity ? fashionSpeedupFor(deploy, identity) : null;
  if (deploy && speed) {
    row.speedup = speed.ratio;
    notes.set(
      FASHION_CPU_NOTE,
      `Measured CPU speed-up: onnxruntime float graph / all-int8 graph (QLinearConv + QLinearAdd, the deploy "int8" engine) latency at batch ${SPEEDUP_BATCH} on this machine (${deploy.machine}${deploy.threads ? `, ${deploy.threads} threads` : ''}), from ${show(deploy.source)} written by \`${deploy.command}\` on ${deploy.date}. Each row is timed on a synthetic model with its own widths, input size, class count and per-module bit config (timing does not depend on the weights). int4 layers run in int8 containers (onnxruntime has no int4 kernels), so 4-bit layers are no faster than 8-bit ones here. The FP row is the 1.00x reference.`,
    );
    row.notes.speedup = [FASHION_CPU_NOTE];
    return;
  }
  const id = identity ? `fmnist-speed-none:${deploy?.source ?? ''}` : `fmnist-speed-id:${row.name}`;
  notes.set(
    id,
    !identity
      ? `No measured speed-up for ${row.name}: cannot tell which model it is (${why}).`
      : deploy
        ? `Not measured: ${show(deploy.source)} has no float and int8 timings at batch ${SPEEDUP_BATCH} for this model (same widths, input size, classes and bit config); ${RERUN}.`
        : `Not measured: no Fashion-MNIST deploy benchmark results loaded; ${RERUN}.`,
  );
  row.notes.speedup = [id];
}

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, '-')
    .replace(/^-+|-+$/g, '');

const widths = (c: ResNetChannels) =>
  c.init === c.stages[0] ? c.stages.join('/') : `stem ${c.init}, ${c.stages.join('/')}`;

/** "4-bit ×9, 8-bit ×12" over the entries a predicate selects. */
function bitCounts(map: Readonly<Record<string, number>>, pick: (name: string) => boolean): string {
  const counts = new Map<number, number>();
  for (const [name, bits] of Object.entries(map)) {
    if (pick(name)) counts.set(bits, (counts.get(bits) ?? 0) + 1);
  }
  return (
    [...counts]
      .sort((a, b) => a[0] - b[0])
      .map(([bits, n]) => `${bits}-bit ×${n}`)
      .join(', ') || 'none'
  );
}

/** HAWQ's weight-layer modules (convs, the identity convs, the stem and the FC). */
const isWeightModule = (name: string) => /convbn\d*$|quant_output$/.test(name);

function engineCheckOf(r: EvalResult): EngineCheck | null {
  const c = r.comparison;
  if (!c) return null;
  return {
    engine: c.engine,
    reference: c.reference ?? r.engine ?? null,
    count: c.count,
    top1: c.top1,
    top1Difference: c.top1Difference ?? c.top1 - r.top1,
    argmaxDisagreements: c.argmaxDisagreements,
    maxRelLogitDifference: c.maxRelLogitDifference ?? null,
  };
}

interface Costed {
  costs: ComputedCosts | null;
  error: string | null;
}

function costsOf(r: EvalResult, arch: string, scheme: string | null): Costed {
  if (scheme !== null && FILE_SCHEME.test(scheme) && !r.bitConfig) {
    return {
      costs: null,
      error: `the results file names scheme ${r.scheme} but records no bitConfig (HAWQ module name → bits); re-run the evaluation with a quant-train that writes it, or add it to the file`,
    };
  }
  try {
    const costs = computeCosts(arch, scheme, {
      inputSize: r.inputSize ?? FMNIST_INPUT,
      numClasses: r.numClasses ?? FMNIST_CLASSES,
      channels: r.channels ?? null,
      bitConfig: r.bitConfig ?? null,
    });
    return { costs, error: null };
  } catch (err) {
    return { costs: null, error: (err as Error).message };
  }
}

/**
 * The Fashion-MNIST table from the evaluator's results files, in the README's layout plus a
 * second-engine column. Size and BOPS come from the same accounting as the ImageNet rows, for
 * what each results file states: architecture, widths (`channels`), input size and class count
 * (defaults 28×28, 10 classes) and, for configs chosen outside the built-in schemes, the
 * `bitConfig` it records. Nothing is published for this dataset: every value is computed or
 * measured; the CPU speed-up comes from `pnpm bench deploy-fashion`, matched to each row by the
 * model it measured (ModelIdentity), not by file name. Rows: FP first, then by BOPS, largest
 * first (as the README orders W8A8 → W4A4).
 */
export function fashionMnistTable(
  results: readonly MergedResult[],
  notes: Map<string, string>,
  show: (file: string) => string = (f) => f,
  deploy: FashionDeployMeasurements | null = null,
): ReportTable {
  const names = new Map<string, number>();
  const rows = results.map((m): ReportRow => {
    const r = m.result;
    const arch = (r.arch ?? r.model).toLowerCase();
    const scheme = schemeKey(r);
    const inputSize = r.inputSize ?? FMNIST_INPUT;
    const numClasses = r.numClasses ?? FMNIST_CLASSES;
    const { costs, error } = costsOf(r, arch, scheme);
    const defaultLabel =
      scheme === null
        ? 'Floating Points'
        : (SCHEME_LABEL[scheme] ?? (r.bitConfig ? `Custom bits (${scheme})` : scheme));
    let name = `fashion-mnist/${r.model}_${r.label ? slug(r.label) : (scheme ?? 'fp32')}`;
    const seen = names.get(name) ?? 0;
    names.set(name, seen + 1);
    if (seen > 0) name = `${name}-${seen + 1}`;
    const row: ReportRow = {
      name,
      model: r.channels ? `${r.model} (${widths(r.channels)})` : r.model,
      arch,
      scheme: r.label ?? defaultLabel,
      bitConfig: scheme,
      sizeMiB: costs?.sizeMiB ?? null,
      sizeMiBWeightsOnly: costs?.sizeMiBWeightsOnly ?? null,
      gbops: costs?.gbops ?? null,
      top1: r.top1,
      top1Source: 'measured',
      measurement: {
        source: m.source,
        command: m.command,
        count: r.count,
        engine: r.engine ?? null,
      },
      speedup: null,
      speedupT4Estimate: null,
      published: { sizeMB: null, gbops: null, speedup: null, top1: null },
      engineCheck: engineCheckOf(r),
      notes: {},
    };
    const shape = r.channels ? `:${r.channels.init}:${r.channels.stages.join('/')}` : '';
    const fmId = `fmnist-costs:${arch}:${inputSize}:${numClasses}${shape}`;
    notes.set(
      fmId,
      r.channels
        ? `Fashion-MNIST size/BOPS: same accounting as the ImageNet rows, for the PyTorchCV ${arch} structure with stem width ${r.channels.init} and stage widths ${r.channels.stages.join('/')} (from the results file's \`channels\`), at ${inputSize}×${inputSize} input and ${numClasses} classes.`
        : `Fashion-MNIST size/BOPS: same accounting as the ImageNet rows, for the PyTorchCV architecture at ${inputSize}×${inputSize} input and ${numClasses} classes.`,
    );
    row.notes.size = [fmId];
    if (r.bitConfig && scheme !== null) {
      const id = `fmnist-bits:${name}`;
      notes.set(
        id,
        `${row.scheme}: bit config recorded in ${show(m.source)} (\`bitConfig\`, scheme ${r.scheme}); weights ${bitCounts(r.bitConfig, isWeightModule)}; activation quantizers ${bitCounts(r.bitConfig, (n) => !isWeightModule(n))}.`,
      );
      row.notes.size.push(id);
      row.notes.gbops = [id];
    }
    if (error) {
      const id = `fmnist-cost-error:${name}`;
      notes.set(id, `No size/BOPS for ${name}: ${error}`);
      row.notes.size.push(id);
    }
    speedupOf(row, r, deploy, notes, show);
    notes.set(
      'fmnist-t4',
      "No T4 estimate for the Fashion-MNIST model: HAWQ's per-layer T4 table is for the 224×224 ImageNet layers.",
    );
    row.notes.speedupT4Estimate = ['fmnist-t4'];
    const id = `measured:${m.source}`;
    notes.set(
      id,
      `Top-1 measured by this project: ${show(m.source)}${m.command ? ` written by \`${m.command}\`` : ''} (${r.count} test images${r.engine ? `, engine ${r.engine}` : ''}).`,
    );
    row.notes.top1 = [id];
    if (row.engineCheck) {
      notes.set(
        ENGINE_CHECK_NOTE,
        "Second engine: the same test images also run through another inference engine in the same evaluation (the evaluator's `compare` option): its top-1, the difference from the row's top-1 in points (Δ), how many images get a different argmax, and the largest logit difference relative to the largest logit of the row's engine. `ort` is the exact integer graph (bit-exact with HAWQ); `ort-fast` uses QLinearConv and rounds requantization differently; `ort-int8` also holds the 16-bit residual sums in 8 bits.",
      );
      row.notes.comparison = [ENGINE_CHECK_NOTE];
    }
    return row;
  });
  // FP first, then BOPS descending; rows without BOPS (an error note says why) last.
  const key = (r: ReportRow) => (r.bitConfig === null ? Number.MAX_VALUE : (r.gbops ?? -1));
  rows.sort((a, b) => key(b) - key(a));
  return {
    title: 'ResNet18-structured model (Fashion-MNIST)',
    dataset: 'fashion-mnist',
    layout: 'fashion',
    rows,
  };
}
