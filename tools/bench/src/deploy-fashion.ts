// `pnpm bench deploy-fashion [--results-dir DIR] [--quick] [--threads N] [--no-torch]`: the CPU
// latency behind the Fashion-MNIST table's Speed-Up column. For every config in the run's results
// files (default packages/report/results/fashion-mnist) it builds the model that run trained — the
// file's architecture, widths (`channels`), input size, classes and exact per-module bits (the
// built-in scheme's bit config, or the file's `bitConfig`) — as a synthetic HAWQ checkpoint (random
// weights, HAWQ-calibrated scales: latency does not depend on the weights), exports its `int8`
// (QLinearConv + QLinearAdd; int4 layers in int8 containers) and `exact` integer graphs and, per
// structure, the float ORT graph, and times each alone in a child process of its own (2 threads,
// run as @hawq-ts/deploy runs that engine) at batch 1/8/32, wall and CPU ms, with PyTorch CPU float of the same structure beside
// them. Each entry records the resolved identity the report matches rows by (@hawq-ts/report
// ModelIdentity), so a measurement never stands for a different bit map or input size.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { resnetSpec } from '@hawq-ts/core/config';
import {
  exportDequantizedFloatOnnx,
  exportIntegerOnnx,
  integerModelFromHawq,
  type SyntheticSpec,
  syntheticHawqResNet,
} from '@hawq-ts/deploy';
import {
  BUNDLED_RESULTS_DIR,
  FASHION_MNIST_SUBDIR,
  fashionModelIdentity,
  looksLikeEvalResults,
  type ModelIdentity,
  parseResultsJson,
  sameModel,
  sameStructure,
  writeFileAtomic,
} from '@hawq-ts/report';
import {
  describeTimings,
  runnerFor,
  runTimingChild,
  type Timing,
  timeOnnxFile,
  timeTorch,
} from './_timing.js';
import { machineInfo, resultsPath, round, TORCH_RESNET_V1 } from './util.js';

const here = dirname(fileURLToPath(import.meta.url));
const resultsFile = resultsPath('deploy-fashion');
const DEFAULT_DIR = join(BUNDLED_RESULTS_DIR, FASHION_MNIST_SUBDIR);

/** One model to time: its identity and the results files (and labels) that describe it. */
export interface FashionConfig {
  identity: ModelIdentity;
  scheme: string | null;
  label: string | null;
  sources: string[];
}

/** Thrown for a results folder or file this benchmark cannot take its configs from. */
export class FashionConfigError extends Error {
  override name = 'FashionConfigError';
}

/**
 * The distinct models of a results folder's evaluation results (files that are not evaluation
 * results are skipped), each with the files naming it; a float model for each structure is added
 * when no FP file has one, as the speed-up's reference.
 */
export function fashionConfigs(
  dir: string,
  log: (line: string) => void = () => {},
): FashionConfig[] {
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((n) => n.endsWith('.json'))
      .sort();
  } catch (err) {
    throw new FashionConfigError(
      `--results-dir ${dir}: cannot list it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
  const out: FashionConfig[] = [];
  for (const name of names) {
    const file = join(dir, name);
    const text = readFileSync(file, 'utf8');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new FashionConfigError(`${file}: not valid JSON (${(err as Error).message})`);
    }
    if (!looksLikeEvalResults(value)) {
      log(`skipped ${file}: not an evaluation results file`);
      continue;
    }
    for (const r of parseResultsJson(text, file).results) {
      let identity: ModelIdentity;
      try {
        identity = fashionModelIdentity(r);
      } catch (err) {
        throw new FashionConfigError(`${file}: ${(err as Error).message}`);
      }
      const same = out.find((c) => sameModel(c.identity, identity));
      if (same) same.sources.push(file);
      else
        out.push({ identity, scheme: r.scheme ?? null, label: r.label ?? null, sources: [file] });
    }
  }
  if (out.length === 0) throw new FashionConfigError(`${dir}: holds no evaluation results files`);
  for (const c of [...out]) {
    const float = { ...c.identity, bits: null };
    if (!out.some((o) => sameModel(o.identity, float))) {
      out.push({ identity: float, scheme: null, label: 'float reference', sources: [] });
    }
  }
  return out;
}

/** The synthetic HAWQ checkpoint spec of a model (uniform 8-bit for the float structure). */
export function syntheticSpecOf(id: ModelIdentity, seed: number): SyntheticSpec {
  const arch = resnetSpec(id.arch, id.numClasses);
  return {
    block: arch.bottleneck ? 'bottleneck' : 'basic',
    layers: [...arch.layers],
    channels: [...id.channels.stages],
    initChannels: id.channels.init,
    numClasses: id.numClasses,
    bits: 8,
    ...(id.bits ? { moduleBits: id.bits } : {}),
    inputSize: id.inputSize,
    seed,
    ...(arch.conv1Stride ? {} : { strideInConv2: true }),
  };
}

/** PyTorch float model of a structure: TORCH_RESNET_V1's blocks with the given widths. */
const TORCH_SETUP = `${TORCH_RESNET_V1}
init, widths, classes = int(sys.argv[4]), [int(w) for w in sys.argv[5].split(',')], int(sys.argv[6])
layers, bottleneck = [int(n) for n in sys.argv[7].split(',')], sys.argv[8] == '1'
mods, c = [conv_block(3, init, 7, 2), nn.MaxPool2d(3, 2, 1)], init
for si, (n, o) in enumerate(zip(layers, widths)):
    for u in range(n):
        mods.append(ResUnit(c, o, 2 if (u == 0 and si > 0) else 1, bottleneck)); c = o
model = nn.Sequential(*mods, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c, classes)).eval()
`;

interface Entry {
  arch: string;
  channels: { init: number; stages: number[] };
  inputSize: number;
  numClasses: number;
  scheme: string | null;
  label: string | null;
  sources: string[];
  /** Resolved HAWQ module name → bits; null for the float model. */
  bits: Record<string, number> | null;
  /** Engine → timings per batch size. */
  timings: Record<string, Timing[]>;
  /** PyTorch's own process (ortPeakRssMB: the largest of the ORT graphs' processes). */
  pytorchPeakRssMB?: number;
}

export async function run(args: string[]): Promise<void> {
  if (args[0] === '--child') return runTimingChild(args[1] as string);
  const { values } = parseArgs({
    args,
    options: {
      'results-dir': { type: 'string' },
      quick: { type: 'boolean', default: false },
      threads: { type: 'string', default: '2' },
      'no-torch': { type: 'boolean', default: false },
    },
  });
  const threads = Number(values.threads);
  if (!Number.isInteger(threads) || threads < 1)
    throw new FashionConfigError(`--threads needs a positive integer, got '${values.threads}'`);
  const dir = resolve(values['results-dir'] ?? DEFAULT_DIR);
  const batches = values.quick ? [1, 8] : [1, 8, 32];
  const budget = values.quick ? 300 : 1500;
  const log = (line: string) => console.error(line);
  const started = Date.now();
  const loadAtStart = loadavg().map((l) => round(l, 2));
  const configs = fashionConfigs(dir, log);
  const tmp = mkdtempSync(join(tmpdir(), 'hawq-bench-deploy-fashion-'));
  const entries: Entry[] = [];
  const models: Array<{ index: number; engine: string; file: string; inputSize: number }> = [];
  let ortPeakRssMB = 0;
  try {
    configs.forEach((c, i) => {
      const t = performance.now();
      const syn = syntheticHawqResNet(syntheticSpecOf(c.identity, i + 1));
      const model = integerModelFromHawq(syn.stateDict, {
        arch: c.identity.arch,
        source: `synthetic ${c.label ?? c.scheme ?? 'float'}`,
      });
      const graphs: Record<string, Uint8Array> =
        c.identity.bits === null
          ? { float: exportDequantizedFloatOnnx(model) }
          : {
              int8: exportIntegerOnnx(model, { engine: 'int8' }),
              exact: exportIntegerOnnx(model, { engine: 'exact' }),
            };
      for (const [engine, bytes] of Object.entries(graphs)) {
        const file = join(tmp, `${i}.${engine}.onnx`);
        writeFileSync(file, bytes);
        models.push({ index: i, engine, file, inputSize: c.identity.inputSize });
      }
      entries.push({
        arch: c.identity.arch,
        channels: { init: c.identity.channels.init, stages: [...c.identity.channels.stages] },
        inputSize: c.identity.inputSize,
        numClasses: c.identity.numClasses,
        scheme: c.scheme,
        label: c.label,
        sources: c.sources.map((s) => relativeToRepo(s)),
        bits: c.identity.bits ? { ...c.identity.bits } : null,
        timings: {},
      });
      log(
        `${c.label ?? c.scheme ?? 'fp32'}: synthetic model and ${Object.keys(graphs).join('/')} graphs in ${((performance.now() - t) / 1000).toFixed(1)} s`,
      );
    });
    for (const m of models) {
      const res = timeOnnxFile('deploy-fashion', {
        batches,
        budgetMs: budget,
        maxRounds: values.quick ? 30 : 200,
        inputSize: m.inputSize,
        file: m.file,
        runner: runnerFor(m.engine, threads),
      });
      ortPeakRssMB = Math.max(ortPeakRssMB, res.peakRssMB);
      (entries[m.index] as Entry).timings[`ort-${m.engine}`] = res.timings;
    }
    for (const e of entries) {
      for (const [engine, ts] of Object.entries(e.timings))
        log(`${e.label ?? e.scheme ?? 'fp32'} ${engine}: ${describeTimings(ts)}`);
    }
    log(
      `ORT processes (${models.length} graphs, one each): peak RSS ${ortPeakRssMB.toFixed(0)} MB`,
    );
    if (!values['no-torch']) {
      configs.forEach((c, i) => {
        if (c.identity.bits !== null) return;
        const arch = resnetSpec(c.identity.arch);
        if (!arch.conv1Stride) {
          log(`${c.identity.arch}: no PyTorch baseline for v1.5 ResNets`);
          return;
        }
        const py = timeTorch(TORCH_SETUP, c.identity.inputSize, batches, budget, threads, [
          String(c.identity.channels.init),
          c.identity.channels.stages.join(','),
          String(c.identity.numClasses),
          arch.layers.join(','),
          arch.bottleneck ? '1' : '0',
        ]);
        const e = entries[i] as Entry;
        e.timings[`pytorch-cpu-${py.torch}`] = py.timings;
        e.pytorchPeakRssMB = round(py.peakRssMB, 1);
        log(
          `float pytorch: ${describeTimings(py.timings)}; peak RSS ${py.peakRssMB.toFixed(0)} MB`,
        );
      });
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const ratios = ratiosOf(entries);
  for (const r of ratios)
    log(
      `${r.label} ${r.engine} b${r.batch}: ×${r.speedUpOverOrtFloat} vs ORT float (cpu ×${r.cpuSpeedUpOverOrtFloat})`,
    );
  const out = {
    command: `pnpm bench deploy-fashion ${args.join(' ')}`.trim(),
    date: new Date().toISOString(),
    machine: { ...machineInfo(), loadAverageAtStart: loadAtStart },
    settings: {
      ortIntraOpThreads: threads,
      torchThreads: threads,
      resultsDir: relativeToRepo(dir),
      models:
        'synthetic HAWQ checkpoints with each results file’s structure and per-module bits (random weights, HAWQ-calibrated scales); the float entry is the dequantized float graph of the same structure',
    },
    configs: entries,
    ortPeakRssMB: round(ortPeakRssMB, 1),
    ratios,
    totalSeconds: round((Date.now() - started) / 1000, 1),
  };
  mkdirSync(dirname(resultsFile), { recursive: true });
  await writeFileAtomic(resultsFile, `${JSON.stringify(out, null, 2)}\n`);
  log(
    `wrote ${resultsFile} (${out.totalSeconds} s); load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
}

/** float / int8 and float / exact per batch, wall and CPU, against the float entry of the structure. */
function ratiosOf(entries: readonly Entry[]) {
  const identity = (e: Entry): ModelIdentity => ({ ...e, bits: e.bits });
  return entries.flatMap((e) => {
    if (e.bits === null) return [];
    const float = entries.find((f) => f.bits === null && sameStructure(identity(f), identity(e)))
      ?.timings['ort-float'];
    return ['ort-int8', 'ort-exact'].flatMap((engine) =>
      (e.timings[engine] ?? []).map((t) => {
        const f = float?.find((x) => x.batch === t.batch);
        return {
          label: e.label ?? e.scheme ?? '',
          engine,
          batch: t.batch,
          speedUpOverOrtFloat: f ? round(f.msPerBatch / t.msPerBatch, 2) : null,
          cpuSpeedUpOverOrtFloat:
            f?.cpuMsPerBatch && t.cpuMsPerBatch
              ? round(f.cpuMsPerBatch / t.cpuMsPerBatch, 2)
              : null,
        };
      }),
    );
  });
}

/** Paths in the results file relative to the repository root, so it reads the same anywhere. */
function relativeToRepo(file: string): string {
  const root = resolve(here, '..', '..', '..');
  return file.startsWith(`${root}/`) ? file.slice(root.length + 1) : file;
}
