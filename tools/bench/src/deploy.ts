// `pnpm bench deploy [--quick] [--threads N] [--sessions N]`: integer inference on onnxruntime-node (2 intra-op threads) for
// full-width ResNet18/ResNet50 at 224×224, batch 1/8/32 — the `exact` integer graph (integer
// GEMMs in NHWC; `exact-f32conv` is the previous exact graph with integer-valued float32 convs, for
// comparison), the `fast` (QLinearConv + float32 residual stream) and `int8` (int8 end to end)
// graphs, a float ORT graph of the same architecture — against PyTorch CPU (/usr/bin/python3,
// torch.set_num_threads(2)) in the same run. Wall time and process CPU time (user+sys) are both
// recorded: on this shared 2-vCPU machine the CPU time is the steadier figure under foreign load. The models are synthetic HAWQ
// uniform8 checkpoints (random weights, HAWQ-calibrated scales; @hawq-ts/deploy synthetic.ts).
// Also measures how often HAWQ's float32 simulation of the accumulator, and the fast and int8
// engines, disagree with the exact integer graph on these full-size models and on the golden cases.
// The four ORT models of one architecture are timed round-robin in one child process (the machine
// is shared, so interleaving keeps the ratios fair); PyTorch runs in its own process.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  exportDequantizedFloatOnnx,
  exportIntegerOnnx,
  integerModelFromHawq,
  OrtRunner,
  RESNET18,
  RESNET50,
  RUN_BATCH,
  runGoldenCaseOnOrt,
  runOnnx,
  syntheticHawqResNet,
} from '@hawq-ts/deploy';
import { machineInfo, round, TORCH_RESNET_V1 } from './util.js';

const PYTHON = '/usr/bin/python3';
const here = dirname(fileURLToPath(import.meta.url));
const resultsFile = join(here, '..', 'results', 'deploy.json');
const SIZE = 224;
/** ORT intra-op and torch threads; `--threads 1` gives load-robust CPU-bound figures on a busy machine. */
let THREADS = 2;
/** `--sessions N`: each ORT graph runs N concurrent sessions of THREADS/N threads (OrtRunner `sessions`). */
let SESSIONS = 1;

interface Timing {
  batch: number;
  imagesPerSecond: number;
  msPerBatch: number;
  /** Median process CPU time (user+sys, all threads, ORT's spinning included) per batch. */
  cpuMsPerBatch?: number;
  runs: number;
}
interface ConfigResult {
  arch: string;
  engine: string;
  timings: Timing[];
  /** Peak RSS of the measuring process (for ORT: one process holding every ORT session of the arch). */
  peakRssMB: number;
}

function randomImages(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n * 3 * SIZE * SIZE }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return Math.fround((s / 2 ** 32 - 0.5) * 4);
  });
}

/**
 * Time several runners round-robin (one run of each in turn), so load from other processes on this
 * shared machine hits every engine alike and the ratios stay meaningful; median per engine.
 */
async function timeInterleaved(
  runners: Array<[string, OrtRunner]>,
  batches: number[],
  budgetMs: number,
): Promise<Map<string, Timing[]>> {
  const out = new Map<string, Timing[]>(runners.map(([n]) => [n, []]));
  for (const b of batches) {
    const x = randomImages(b, b);
    const shape = [b, 3, SIZE, SIZE];
    for (const [, r] of runners) await r.run(x, shape); // warm-up
    const times = new Map<string, number[]>(runners.map(([n]) => [n, []]));
    const cpu = new Map<string, number[]>(runners.map(([n]) => [n, []]));
    const t0 = performance.now();
    for (let round = 0; round < 3 || (performance.now() - t0 < budgetMs && round < 15); round++) {
      for (const [name, r] of runners) {
        const c = process.cpuUsage();
        const t = performance.now();
        await r.run(x, shape);
        times.get(name)?.push(performance.now() - t);
        const used = process.cpuUsage(c);
        cpu.get(name)?.push((used.user + used.system) / 1000);
      }
    }
    const median = (v: number[]) =>
      [...v].sort((p, q) => p - q)[Math.floor(v.length / 2)] as number;
    for (const [name, ts] of times) {
      const med = median(ts);
      out.get(name)?.push({
        batch: b,
        imagesPerSecond: round((b * 1000) / med, 1),
        msPerBatch: round(med, 2),
        cpuMsPerBatch: round(median(cpu.get(name) ?? []), 2),
        runs: ts.length,
      });
    }
  }
  return out;
}

function chunkOf(engine: string): number {
  return RUN_BATCH[engine as keyof typeof RUN_BATCH] ?? 32;
}

/** Child: time the given ONNX files (name=path) interleaved at every batch size; print JSON. */
async function child(args: string[]): Promise<void> {
  const [batchesArg, budget, threads, sessions, ...models] = args as [
    string,
    string,
    string,
    string,
    ...string[],
  ];
  THREADS = Number(threads);
  SESSIONS = Number(sessions);
  const batches = batchesArg.split(',').map(Number);
  const runners: Array<[string, OrtRunner]> = [];
  for (const m of models) {
    const [name, file] = m.split('=') as [string, string];
    runners.push([
      name,
      // each engine runs in its fastest chunk size (RUN_BATCH); the exact-f32conv baseline as before
      await OrtRunner.create(file, {
        intraOpThreads: Math.max(1, Math.floor(THREADS / SESSIONS)),
        sessions: SESSIONS,
        batchSize: name === 'exact-f32conv' ? Math.max(...batches) : chunkOf(name),
      }),
    ]);
  }
  const timings = await timeInterleaved(runners, batches, Number(budget) * runners.length);
  for (const [, r] of runners) await r.dispose();
  process.stdout.write(
    JSON.stringify({
      timings: Object.fromEntries(timings),
      peakRssMB: process.resourceUsage().maxRSS / 1024,
    }),
  );
}

function spawnJson<T>(cmd: string, argv: string[], input?: string): T {
  const r = spawnSync(cmd, argv, {
    encoding: 'utf8',
    input,
    maxBuffer: 1 << 26,
    env: { ...process.env, OMP_NUM_THREADS: String(THREADS) },
  });
  if (r.status !== 0)
    throw new Error(`${cmd} ${argv.slice(0, 3).join(' ')} failed: ${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1) as string) as T;
}

const TORCH_SCRIPT = `
import json, resource, sys, time, torch, torch.nn as nn
arch, batches, budget = sys.argv[1], [int(b) for b in sys.argv[2].split(',')], float(sys.argv[3]) / 1000
torch.set_num_threads(int(sys.argv[4])); torch.manual_seed(0)
${TORCH_RESNET_V1}
model = resnet_v1(arch)
out = []
with torch.no_grad():
    for b in batches:
        x = torch.randn(b, 3, ${SIZE}, ${SIZE})
        model(x); times = []; cpu = []; t0 = time.perf_counter()
        while len(times) < 3 or (time.perf_counter() - t0 < budget and len(times) < 20):
            c = time.process_time(); t = time.perf_counter(); model(x)
            times.append(time.perf_counter() - t); cpu.append(time.process_time() - c)
        times.sort(); cpu.sort(); med = times[len(times) // 2]
        out.append({'batch': b, 'imagesPerSecond': round(b / med, 1), 'msPerBatch': round(med * 1000, 2), 'cpuMsPerBatch': round(cpu[len(cpu) // 2] * 1000, 2), 'runs': len(times)})
print(json.dumps({'timings': out, 'peakRssMB': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 'torch': torch.__version__}))
`;

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
  if (args[0] === '--child') return child(args.slice(1));
  const quick = args.includes('--quick');
  const threadsAt = args.indexOf('--threads');
  if (threadsAt >= 0) {
    THREADS = Number(args[threadsAt + 1]);
    if (!Number.isInteger(THREADS) || THREADS < 1)
      throw new Error(`--threads needs a positive integer, got '${args[threadsAt + 1]}'`);
  }
  const sessionsAt = args.indexOf('--sessions');
  if (sessionsAt >= 0) {
    SESSIONS = Number(args[sessionsAt + 1]);
    if (!Number.isInteger(SESSIONS) || SESSIONS < 1 || SESSIONS > THREADS)
      throw new Error(
        `--sessions needs an integer from 1 to --threads (${THREADS}), got '${args[sessionsAt + 1]}'`,
      );
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
      const x = randomImages(evalImages, 99);
      const shape = [evalImages, 3, SIZE, SIZE];
      const ortOpts = { intraOpThreads: THREADS, batchSize: 8 };
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
      const ort = spawnJson<{ timings: Record<string, Timing[]>; peakRssMB: number }>(
        process.execPath,
        [
          fileURLToPath(import.meta.url).replace(/deploy\.js$/, 'cli.js'),
          'deploy',
          '--child',
          batches.join(','),
          String(budget),
          String(THREADS),
          String(SESSIONS),
          ...Object.entries(files).map(([e, f]) => `${e}=${f}`),
        ],
      );
      for (const [engine, timings] of Object.entries(ort.timings)) {
        configs.push({ arch, engine: `ort-${engine}`, timings, peakRssMB: ort.peakRssMB });
        console.error(
          `${arch} ort-${engine}: ${timings.map((x) => `b${x.batch} ${x.imagesPerSecond} img/s (cpu ${x.cpuMsPerBatch} ms/batch)`).join(', ')}; load ${loadavg()
            .map((l) => l.toFixed(2))
            .join(' ')}`,
        );
      }
      console.error(
        `${arch} ORT process (all ${Object.keys(files).length} sessions loaded): peak RSS ${ort.peakRssMB.toFixed(0)} MB`,
      );
      const py = spawnJson<Omit<ConfigResult, 'arch' | 'engine'> & { torch: string }>(PYTHON, [
        '-c',
        TORCH_SCRIPT,
        arch,
        batches.join(','),
        String(budget),
        String(THREADS),
      ]);
      configs.push({
        arch,
        engine: `pytorch-cpu-${py.torch}`,
        timings: py.timings,
        peakRssMB: py.peakRssMB,
      });
      console.error(
        `${arch} pytorch: ${py.timings.map((x) => `b${x.batch} ${x.imagesPerSecond} img/s (cpu ${x.cpuMsPerBatch} ms/batch)`).join(', ')}; peak RSS ${py.peakRssMB.toFixed(0)} MB`,
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
      ortIntraOpThreads: Math.max(1, Math.floor(THREADS / SESSIONS)),
      ortSessions: SESSIONS,
      ortChunkSizes: RUN_BATCH,
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
