// `pnpm bench forward [--quick]`: ResNet18/ResNet50 forward throughput at 224×224 on every tfjs
// backend @hawq-ts/core can activate here — the float PyTorchCV model and HAWQ's fake-quantized
// training-path forward (uniform8, `qResNetForward`) — against PyTorch CPU (/usr/bin/python3,
// torch.set_num_threads(2), the same ResNet v1 written in plain torch.nn) in the same run.
// Every (backend, arch, mode) runs in its own child process so its peak RSS is its own and a
// crashed backend cannot take the others down. The tfjs cpu backend takes seconds per image, so it
// runs batch 1 with one timed run only. The machine is shared: the load average is recorded at
// start and end, and ratios are only meaningful within one run.
import { spawnSync } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BACKEND_NAMES, getBitConfig, initBackend } from '@hawq-ts/core';
import { createPytorchcvModel, qResNetForward, qResNetFromFloatStateDict } from '@hawq-ts/models';
import * as tf from '@tensorflow/tfjs';
import {
  machineInfo,
  PY_PEAK_RSS_KIB,
  PYTHON,
  peakRssKiB,
  resultsPath,
  round,
  TORCH_RESNET_V1,
} from './util.js';

const resultsFile = resultsPath('forward');
const SIZE = 224;
const THREADS = 2;
const ARCHS = ['resnet18', 'resnet50'] as const;
const MODES = ['float', 'fakequant-uniform8'] as const;
type Arch = (typeof ARCHS)[number];
type Mode = (typeof MODES)[number];

interface Timing {
  batch: number;
  imagesPerSecond: number;
  msPerBatch: number;
  runs: number;
}
interface ChildResult {
  timings: Timing[];
  peakRssMB: number;
  buildSeconds: number;
}
/** How long to measure each batch size: at least minRuns timed runs, more while within budget. */
interface Plan {
  batches: number[];
  /** an untimed first forward (kernel set-up; the fake-quant path's range initialisation) */
  warmUp: boolean;
  minRuns: number;
  maxRuns: number;
  budgetMs: number;
}

function plans(quick: boolean): Record<'cpu' | 'fast' | 'torch', Plan> {
  return {
    // tfjs-backend-cpu needs seconds per image (2.7 s for ResNet18 on an idle machine) and has
    // no kernels to compile: batch 1, one timed run, no warm-up.
    cpu: { batches: [1], warmUp: false, minRuns: 1, maxRuns: 1, budgetMs: 0 },
    fast: {
      batches: [1, 16],
      warmUp: true,
      minRuns: 2,
      maxRuns: 10,
      budgetMs: quick ? 1000 : 6000,
    },
    torch: {
      batches: [1, 16],
      warmUp: true,
      minRuns: 3,
      maxRuns: 20,
      budgetMs: quick ? 1000 : 5000,
    },
  };
}

function median(ts: number[]): number {
  const s = [...ts].sort((p, q) => p - q);
  return s[Math.floor(s.length / 2)] as number;
}

/** Child: build one model on one backend, time it at each batch size, print JSON on stdout. */
async function child(args: string[]): Promise<void> {
  const [backend, arch, mode, planJson] = args as [string, Arch, Mode, string];
  const plan = JSON.parse(planJson) as Plan;
  await initBackend({ backend, log: (l) => console.error(l) });
  const t0 = performance.now();
  const float = createPytorchcvModel(arch);
  let forward: (x: tf.Tensor4D) => tf.Tensor2D;
  if (mode === 'float') {
    forward = (x) => float.forward(x);
  } else {
    const q = qResNetFromFloatStateDict(float.stateDict(), {
      bitConfig: getBitConfig(arch, 'uniform8').entries,
      flags: { actRangeMomentum: 0.99, fixBN: true }, // the zoo's training flags
      source: `random ${arch}`,
    });
    float.dispose();
    forward = (x) => qResNetForward(q, x);
  }
  const buildSeconds = (performance.now() - t0) / 1000;
  const timings: Timing[] = [];
  for (const b of plan.batches) {
    const x = tf.randomNormal([b, 3, SIZE, SIZE], 0, 1, 'float32', 1) as tf.Tensor4D;
    // dataSync forces the (otherwise lazy on wasm/cpu queues) computation into the timing.
    const once = () => tf.tidy(() => forward(x)).dataSync();
    if (plan.warmUp) once();
    const times: number[] = [];
    const start = performance.now();
    while (
      times.length < plan.minRuns ||
      (times.length < plan.maxRuns && performance.now() - start < plan.budgetMs)
    ) {
      const t = performance.now();
      once();
      times.push(performance.now() - t);
    }
    x.dispose();
    const med = median(times);
    timings.push({
      batch: b,
      imagesPerSecond: round((b * 1000) / med, 2),
      msPerBatch: round(med, 1),
      runs: times.length,
    });
    console.error(`  ${backend} ${arch} ${mode} b${b}: ${round((b * 1000) / med, 2)} img/s`);
  }
  const out: ChildResult = {
    timings,
    peakRssMB: round(peakRssKiB() / 1024, 0),
    buildSeconds: round(buildSeconds, 1),
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

const TORCH_SCRIPT = `
import json, re, resource, sys, time, torch, torch.nn as nn
torch.set_num_threads(${THREADS}); torch.manual_seed(0)
arch, plan = sys.argv[1], json.loads(sys.argv[2])
${TORCH_RESNET_V1}
model = resnet_v1(arch)
out = []
with torch.no_grad():
    for b in plan['batches']:
        x = torch.randn(b, 3, ${SIZE}, ${SIZE})
        model(x); times = []; t0 = time.perf_counter()
        while len(times) < plan['minRuns'] or (len(times) < plan['maxRuns'] and time.perf_counter() - t0 < plan['budgetMs'] / 1000):
            t = time.perf_counter(); model(x); times.append(time.perf_counter() - t)
        times.sort(); med = times[len(times) // 2]
        out.append({'batch': b, 'imagesPerSecond': round(b / med, 2), 'msPerBatch': round(med * 1000, 1), 'runs': len(times)})
print(json.dumps({'timings': out, 'peakRssMB': round(${PY_PEAK_RSS_KIB} / 1024), 'buildSeconds': 0, 'torch': torch.__version__}))
`;

function spawnJson<T>(cmd: string, argv: string[]): T {
  const r = spawnSync(cmd, argv, {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, OMP_NUM_THREADS: String(THREADS) },
  });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${argv.slice(0, 4).join(' ')} exited with ${r.status ?? r.signal}`);
  }
  return JSON.parse(r.stdout.trim().split('\n').at(-1) as string) as T;
}

interface ConfigRow {
  backend: string;
  arch: Arch;
  mode: Mode | 'float (torch)';
  note?: string;
  timings: Array<Timing & { ratioToTorch?: number }>;
  peakRssMB: number;
  buildSeconds: number;
}

export async function run(args: string[]): Promise<void> {
  if (args[0] === '--child') return child(args.slice(1));
  const quick = args.includes('--quick');
  const p = plans(quick);
  const loadStart = loadavg().map((x) => round(x, 2));
  const started = Date.now();

  // Which backends can be activated here; the reasons for the others come from initBackend.
  const available: string[] = [];
  const unavailable: Record<string, string> = {};
  for (const name of BACKEND_NAMES) {
    try {
      await initBackend({ backend: name });
      available.push(name);
    } catch (err) {
      unavailable[name] = err instanceof Error ? err.message : String(err);
      console.error(`${name}: ${unavailable[name]}`);
    }
  }
  tf.disposeVariables();

  const rows: ConfigRow[] = [];
  const torch: Record<string, string> = {};
  const cli = fileURLToPath(import.meta.url).replace(/forward\.js$/, 'cli.js');
  for (const arch of ARCHS) {
    const py = spawnJson<ChildResult & { torch: string }>(PYTHON, [
      '-c',
      TORCH_SCRIPT,
      arch,
      JSON.stringify(p.torch),
    ]);
    torch.version = py.torch;
    rows.push({
      backend: `pytorch-cpu-${py.torch}`,
      arch,
      mode: 'float (torch)',
      timings: py.timings,
      peakRssMB: py.peakRssMB,
      buildSeconds: 0,
    });
    console.error(
      `torch ${arch}: ${py.timings.map((t) => `b${t.batch} ${t.imagesPerSecond} img/s`).join(', ')}`,
    );
    for (const backend of available) {
      const plan = backend === 'cpu' ? p.cpu : p.fast;
      for (const mode of MODES) {
        const r = spawnJson<ChildResult>(process.execPath, [
          cli,
          'forward',
          '--child',
          backend,
          arch,
          mode,
          JSON.stringify(plan),
        ]);
        rows.push({
          backend: `tfjs-${backend}`,
          arch,
          mode,
          ...(backend === 'cpu'
            ? {
                note: 'batch 1 only, one timed run without warm-up: the cpu backend needs seconds per image',
              }
            : {}),
          ...r,
        });
      }
    }
  }

  // Ratio = images/s of the tfjs config ÷ PyTorch float images/s, same arch and batch.
  for (const row of rows) {
    if (row.mode === 'float (torch)') continue;
    const base = rows.find((r) => r.mode === 'float (torch)' && r.arch === row.arch);
    for (const t of row.timings) {
      const ref = base?.timings.find((b) => b.batch === t.batch)?.imagesPerSecond;
      if (ref) t.ratioToTorch = round(t.imagesPerSecond / ref, 3);
    }
  }
  const out = {
    command: `pnpm bench forward ${args.join(' ')}`.trim(),
    date: new Date().toISOString(),
    machine: {
      ...machineInfo(),
      tfjs: tf.version.tfjs,
      torch: torch.version,
    },
    loadAverage: { start: loadStart, end: loadavg().map((x) => round(x, 2)) },
    settings: {
      inputSize: SIZE,
      torchThreads: THREADS,
      models:
        'random-init PyTorchCV ResNet v1, 1000 classes; fake-quant = HAWQ Q_ResNet training-path forward (qResNetForward), uniform8, fix-BN, act-range momentum 0.99; ratios are against PyTorch float',
      plans: p,
    },
    unavailableBackends: unavailable,
    results: rows,
    totalSeconds: round((Date.now() - started) / 1000, 1),
  };
  mkdirSync(dirname(resultsFile), { recursive: true });
  const tmp = `${resultsFile}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(out, null, 2)}\n`);
  renameSync(tmp, resultsFile);
  for (const r of rows) {
    const cells = r.timings.map(
      (t) =>
        `b${t.batch} ${t.imagesPerSecond} img/s${t.ratioToTorch === undefined ? '' : ` (×${t.ratioToTorch})`}`,
    );
    console.error(
      `${r.backend} ${r.arch} ${r.mode}: ${cells.join(', ')}; peak RSS ${r.peakRssMB} MB`,
    );
  }
  console.error(
    `load average ${out.loadAverage.start.join(' ')} → ${out.loadAverage.end.join(' ')}; wrote ${resultsFile} (${out.totalSeconds} s)`,
  );
}
