// `pnpm bench deploy [--quick] [--threads N]`: integer inference on onnxruntime-node (2 threads) for
// full-width ResNet18/ResNet50 at 224×224, batch 1/8/32 — the `exact` integer graph (integer
// GEMMs in NHWC; `exact-f32conv` is the previous exact graph with integer-valued float32 convs, for
// comparison), the `fast` (QLinearConv + float32 residual stream) and `int8` (int8 end to end)
// graphs, a float ORT graph of the same architecture — against PyTorch CPU (/usr/bin/python3,
// torch.set_num_threads(2)) in the same run. Wall time and process CPU time (user+sys) are both
// recorded: on this shared 2-vCPU machine the CPU time is the steadier figure under foreign load. The models are synthetic HAWQ
// uniform8 checkpoints (random weights, HAWQ-calibrated scales; @hawq-ts/deploy synthetic.ts).
// Also measures how often HAWQ's float32 simulation of the accumulator, and the fast and int8
// engines, disagree with the exact integer graph on these full-size models and on the golden cases.
// Each ORT graph is timed alone in a child process of its own, run the way @hawq-ts/deploy runs that
// engine for users (runOptionsFor: chunk size, worker threads); PyTorch runs in its own process.
// Run it on an idle machine: the figures are wall-clock throughput.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  exportDequantizedFloatOnnx,
  exportIntegerOnnx,
  integerModelFromHawq,
  RESNET18,
  RESNET50,
  runGoldenCaseOnOrt,
  runOnnx,
  runOptionsFor,
  syntheticHawqResNet,
} from '@hawq-ts/deploy';
import {
  describeTimings,
  randomImages,
  runnerFor,
  runTimingChild,
  type Timing,
  timeOnnxFile,
  timeTorch,
} from './_timing.js';
import { machineInfo, resultsPath, round, TORCH_RESNET_V1 } from './util.js';

const here = dirname(fileURLToPath(import.meta.url));
const resultsFile = resultsPath('deploy');
const SIZE = 224;
/** ORT and torch threads; `--threads 1` gives load-robust CPU-bound figures on a busy machine. */
let THREADS = 2;

interface ConfigResult {
  arch: string;
  engine: string;
  timings: Timing[];
  /** Peak RSS of the measuring process (for ORT: the one graph's process, worker threads included). */
  peakRssMB: number;
  /** PyTorch: the runs before and after the ORT graphs (`timings` keeps the faster per batch). */
  runs?: [Timing[], Timing[]];
}

function countDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}
function argmaxDiff(a: ArrayLike<number>, b: ArrayLike<number>, k: number): number {
  const am = (v: ArrayLike<number>, i: number) => {
    let best = 0;
    for (let c = 1; c < k; c++)
      if ((v[i * k + c] as number) > (v[i * k + best] as number)) best = c;
    return best;
  };
  let n = 0;
  for (let i = 0; i < a.length / k; i++) if (am(a, i) !== am(b, i)) n++;
  return n;
}

export async function run(args: string[]): Promise<void> {
  if (args[0] === '--child') return runTimingChild(args[1] as string);
  const quick = args.includes('--quick');
  const threadsAt = args.indexOf('--threads');
  if (threadsAt >= 0) {
    THREADS = Number(args[threadsAt + 1]);
    if (!Number.isInteger(THREADS) || THREADS < 1)
      throw new Error(`--threads needs a positive integer, got '${args[threadsAt + 1]}'`);
  }
  const batches = quick ? [1, 8] : [1, 8, 32];
  const budget = quick ? 600 : 2500;
  const evalImages = quick ? 4 : 16;
  const dir = mkdtempSync(join(tmpdir(), 'hawq-bench-deploy-'));
  const loadAtStart = loadavg().map((l) => round(l, 2));
  const started = Date.now();
  const configs: ConfigResult[] = [];
  const disagreement: Record<string, unknown>[] = [];
  try {
    for (const [arch, spec] of [
      ['resnet18', RESNET18],
      ['resnet50', RESNET50],
    ] as const) {
      let t = performance.now();
      const syn = syntheticHawqResNet({ ...spec, bits: 8, inputSize: SIZE, seed: 1 });
      const model = integerModelFromHawq(syn.stateDict, { arch, source: `synthetic ${arch}` });
      console.error(
        `${arch}: calibrated synthetic uniform8 model in ${((performance.now() - t) / 1000).toFixed(1)} s`,
      );
      const files: Record<string, string> = {};
      const graphs: Record<string, Uint8Array> = {
        exact: exportIntegerOnnx(model, { engine: 'exact' }),
        'exact-f32conv': exportIntegerOnnx(model, { engine: 'exact', exactKernels: 'float32' }),
        fast: exportIntegerOnnx(model, { engine: 'fast' }),
        int8: exportIntegerOnnx(model, { engine: 'int8' }),
        float: exportDequantizedFloatOnnx(model),
      };
      for (const [engine, bytes] of Object.entries(graphs)) {
        files[engine] = join(dir, `${arch}.${engine}.onnx`);
        writeFileSync(files[engine] as string, bytes);
      }
      // Disagreement with the exact integer graph on random images.
      t = performance.now();
      const x = randomImages(evalImages, 99, SIZE);
      const shape = [evalImages, 3, SIZE, SIZE];
      const ortOpts = { intraOpThreads: THREADS, batchSize: 8, workers: 1 };
      const exact = (await runOnnx(graphs.exact as Uint8Array, x, shape, ortOpts)).outputs.get(
        'logits_int',
      ) as Int32Array;
      const f32sim = (
        await runOnnx(exportIntegerOnnx(model, { float32Accumulation: true }), x, shape, ortOpts)
      ).outputs.get('logits_int') as Int32Array;
      const fast = (await runOnnx(graphs.fast as Uint8Array, x, shape, ortOpts)).outputs.get(
        'logits_int',
      ) as Int32Array;
      const int8 = (await runOnnx(graphs.int8 as Uint8Array, x, shape, ortOpts)).outputs.get(
        'logits_int',
      ) as Int32Array;
      for (const [name, other] of [
        ['float32-simulated accumulator (HAWQ/tfjs path)', f32sim],
        ['fast engine (QLinearConv)', fast],
        ['int8 engine (QLinearConv + QLinearAdd)', int8],
      ] as const) {
        const row = {
          model: `${arch} synthetic uniform8 224²`,
          path: name,
          images: evalImages,
          logitsIntDiffer: countDiff(exact, other),
          logitsTotal: exact.length,
          argmaxDiffer: argmaxDiff(exact, other, 1000),
        };
        disagreement.push(row);
        console.error(
          `${arch}: ${name}: ${row.logitsIntDiffer}/${row.logitsTotal} integer logits and ${row.argmaxDiffer}/${evalImages} argmax differ from exact`,
        );
      }
      console.error(
        `${arch}: disagreement runs took ${((performance.now() - t) / 1000).toFixed(1)} s`,
      );
      // PyTorch is timed before and after the ORT graphs, and each batch size keeps the faster of
      // the two runs: a transient slowdown of the baseline would otherwise inflate every ratio
      // (two runs of this benchmark saw PyTorch batch 8 at 45.9 and 51.0 img/s).
      const torchRun = () =>
        timeTorch(
          `${TORCH_RESNET_V1}\nmodel = resnet_v1(sys.argv[4])`,
          SIZE,
          batches,
          budget,
          THREADS,
          [arch],
        );
      const pyBefore = torchRun();
      for (const [engine, file] of Object.entries(files)) {
        const ort = timeOnnxFile('deploy', {
          batches,
          budgetMs: budget,
          inputSize: SIZE,
          file,
          // the previous exact graph ran best as one chunk per batch, in process
          runner:
            engine === 'exact-f32conv'
              ? { batchSize: Math.max(...batches), workers: 1, intraOpThreads: THREADS }
              : runnerFor(engine, THREADS),
        });
        configs.push({
          arch,
          engine: `ort-${engine}`,
          timings: ort.timings,
          peakRssMB: ort.peakRssMB,
        });
        console.error(
          `${arch} ort-${engine}: ${describeTimings(ort.timings)}; peak RSS ${ort.peakRssMB.toFixed(0)} MB; load ${loadavg()
            .map((l) => l.toFixed(2))
            .join(' ')}`,
        );
      }
      const pyAfter = torchRun();
      const timings = pyBefore.timings.map((t, i) => {
        const u = pyAfter.timings[i] as Timing;
        return u.imagesPerSecond > t.imagesPerSecond ? u : t;
      });
      const peakRssMB = Math.max(pyBefore.peakRssMB, pyAfter.peakRssMB);
      configs.push({
        arch,
        engine: `pytorch-cpu-${pyBefore.torch}`,
        timings,
        peakRssMB,
        runs: [pyBefore.timings, pyAfter.timings],
      });
      console.error(
        `${arch} pytorch (best of before/after: ${pyBefore.timings.map((t) => t.imagesPerSecond).join('/')} and ${pyAfter.timings.map((t) => t.imagesPerSecond).join('/')} img/s): ${describeTimings(timings)}; peak RSS ${peakRssMB.toFixed(0)} MB`,
      );
    }
    // Fast vs exact on the golden cases (when present).
    const golden =
      process.env.HAWQ_GOLDEN_DIR ?? join(here, '..', '..', '..', '..', 'shared', 'golden');
    for (const c of ['a_resnet18_uniform8', 'b_resnet18_uniform4', 'c_resnet18_bops_0.5']) {
      for (const engine of ['fast', 'int8'] as const) {
        if (!existsSync(join(golden, c))) continue;
        const r = await runGoldenCaseOnOrt(join(golden, c), { engine });
        disagreement.push({
          model: `golden ${c}`,
          path: `${engine} engine vs HAWQ`,
          images: 2,
          logitsIntDiffer: r.logitsIntMismatches,
          logitsIntMaxRelDelta: r.logitsIntMaxRelDelta,
          logitsTotal: 20,
          argmaxDiffer: r.argmaxMismatches,
        });
        console.error(
          `golden ${c}: ${engine} vs HAWQ's integers: ${r.logitsIntMismatches}/20 integer logits differ (max ${(100 * (r.logitsIntMaxRelDelta ?? 0)).toFixed(1)} % of the logit range), ${r.argmaxMismatches}/2 argmax`,
        );
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const ips = (arch: string, engine: string, b: number) =>
    configs
      .find((c) => c.arch === arch && c.engine.startsWith(engine))
      ?.timings.find((t) => t.batch === b)?.imagesPerSecond ?? Number.NaN;
  const ratios = configs
    .filter((c) => ['ort-exact', 'ort-exact-f32conv', 'ort-fast', 'ort-int8'].includes(c.engine))
    .flatMap((c) =>
      c.timings.map((t) => ({
        arch: c.arch,
        engine: c.engine,
        batch: t.batch,
        speedUpOverOrtFloat: round(t.imagesPerSecond / ips(c.arch, 'ort-float', t.batch), 2),
        speedUpOverPytorch: round(t.imagesPerSecond / ips(c.arch, 'pytorch', t.batch), 2),
      })),
    );
  const out = {
    command: `pnpm bench deploy ${args.join(' ')}`.trim(),
    date: new Date().toISOString(),
    machine: {
      ...machineInfo(),
      loadAverageAtStart: loadAtStart,
    },
    settings: {
      inputSize: SIZE,
      ortIntraOpThreads: THREADS,
      ortRunOptions: Object.fromEntries(
        (['exact', 'fast', 'int8', 'float'] as const).map((e) => [e, runOptionsFor(e, THREADS)]),
      ),
      torchThreads: THREADS,
      models: 'synthetic HAWQ uniform8 (random weights, HAWQ-calibrated scales), 1000 classes',
    },
    results: configs,
    ratios,
    disagreement,
    totalSeconds: round((Date.now() - started) / 1000, 1),
  };
  mkdirSync(dirname(resultsFile), { recursive: true });
  writeFileSync(resultsFile, `${JSON.stringify(out, null, 2)}\n`);
  for (const r of ratios)
    console.error(
      `${r.arch} ${r.engine} b${r.batch}: ×${r.speedUpOverOrtFloat} vs ORT float, ×${r.speedUpOverPytorch} vs PyTorch`,
    );
  console.error(`wrote ${resultsFile} (${out.totalSeconds} s)`);
}
