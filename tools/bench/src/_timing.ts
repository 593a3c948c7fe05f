// Latency measurement shared by the deploy benchmarks (`deploy`, `deploy-fashion`): ONNX graphs
// timed round-robin on onnxruntime-node in one child process, PyTorch CPU in its own, both
// reporting median wall and process-CPU ms per batch and the peak RSS of the measuring process.
// (The leading `_` keeps this module out of cli.ts's topic list.)
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OrtRunner, RUN_BATCH } from '@hawq-ts/deploy';
import { PYTHON, round } from './util.js';

export const CLI = join(dirname(fileURLToPath(import.meta.url)), 'cli.js');

export interface Timing {
  batch: number;
  imagesPerSecond: number;
  msPerBatch: number;
  /** Median process CPU time (user+sys, all threads, ORT's spinning included) per batch. */
  cpuMsPerBatch?: number;
  runs: number;
}

/** What the timing child measures: each model is `{ name, file, batchSize }` (ORT run chunk). */
export interface OrtTimingJob {
  batches: number[];
  /** Per model and batch size; every model gets at least 3 runs, at most `maxRounds` (15). */
  budgetMs: number;
  /** Tiny models need more than 15 runs in their budget for a steady median. */
  maxRounds?: number;
  threads: number;
  sessions: number;
  inputSize: number;
  models: Array<{ name: string; file: string; batchSize: number }>;
}

export interface OrtTimingResult {
  timings: Record<string, Timing[]>;
  peakRssMB: number;
}

/** The images per session.run an engine is fastest at (@hawq-ts/deploy RUN_BATCH). */
export function chunkOf(engine: string): number {
  return RUN_BATCH[engine as keyof typeof RUN_BATCH] ?? 32;
}

/** Deterministic NCHW images with 3 channels, values roughly in [-2, 2]. */
export function randomImages(n: number, seed: number, size: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n * 3 * size * size }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return Math.fround((s / 2 ** 32 - 0.5) * 4);
  });
}

const median = (v: number[]) => [...v].sort((p, q) => p - q)[Math.floor(v.length / 2)] as number;

/**
 * Time several runners round-robin (one run of each in turn), so load from other processes on this
 * shared machine hits every engine alike and the ratios stay meaningful; median per engine.
 */
export async function timeInterleaved(
  runners: Array<[string, OrtRunner]>,
  batches: number[],
  budgetMs: number,
  size: number,
  maxRounds = 15,
): Promise<Map<string, Timing[]>> {
  const out = new Map<string, Timing[]>(runners.map(([n]) => [n, []]));
  for (const b of batches) {
    const x = randomImages(b, b, size);
    const shape = [b, 3, size, size];
    for (const [, r] of runners) await r.run(x, shape); // warm-up
    const times = new Map<string, number[]>(runners.map(([n]) => [n, []]));
    const cpu = new Map<string, number[]>(runners.map(([n]) => [n, []]));
    const t0 = performance.now();
    for (
      let round = 0;
      round < 3 || (performance.now() - t0 < budgetMs && round < maxRounds);
      round++
    ) {
      for (const [name, r] of runners) {
        const c = process.cpuUsage();
        const t = performance.now();
        await r.run(x, shape);
        times.get(name)?.push(performance.now() - t);
        const used = process.cpuUsage(c);
        cpu.get(name)?.push((used.user + used.system) / 1000);
      }
    }
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

/** Child side of timeOnnxFiles (`pnpm bench TOPIC --child JOB_JSON`): prints OrtTimingResult. */
export async function runTimingChild(jobJson: string): Promise<void> {
  const job = JSON.parse(jobJson) as OrtTimingJob;
  const runners: Array<[string, OrtRunner]> = [];
  for (const m of job.models) {
    runners.push([
      m.name,
      await OrtRunner.create(m.file, {
        intraOpThreads: Math.max(1, Math.floor(job.threads / job.sessions)),
        sessions: job.sessions,
        batchSize: m.batchSize,
      }),
    ]);
  }
  const timings = await timeInterleaved(
    runners,
    job.batches,
    job.budgetMs * runners.length,
    job.inputSize,
    job.maxRounds,
  );
  for (const [, r] of runners) await r.dispose();
  const result: OrtTimingResult = {
    timings: Object.fromEntries(timings),
    peakRssMB: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(JSON.stringify(result));
}

/** Runs a command and parses the JSON on the last line of its stdout. */
export function spawnJson<T>(cmd: string, argv: string[], threads: number, input?: string): T {
  const r = spawnSync(cmd, argv, {
    encoding: 'utf8',
    input,
    maxBuffer: 1 << 26,
    env: { ...process.env, OMP_NUM_THREADS: String(threads) },
  });
  if (r.status !== 0)
    throw new Error(`${cmd} ${argv.slice(0, 3).join(' ')} failed: ${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1) as string) as T;
}

/**
 * Times ONNX files interleaved in a fresh child process (`topic` must route `--child` to
 * runTimingChild), so the peak RSS is that of the ORT sessions alone.
 */
export function timeOnnxFiles(topic: string, job: OrtTimingJob): OrtTimingResult {
  return spawnJson<OrtTimingResult>(
    process.execPath,
    [CLI, topic, '--child', JSON.stringify(job)],
    job.threads,
  );
}

/**
 * Python timing a float PyTorch model (`setup` defines `model`, may read `sys.argv[4:]`) on random
 * images of `inputSize`²: argv batches (comma list), budget ms, threads. Prints
 * `{timings, peakRssMB, torch}` like timeOnnxFiles.
 */
export function torchTimingScript(setup: string, inputSize: number): string {
  return `
import json, resource, sys, time, torch, torch.nn as nn
batches, budget = [int(b) for b in sys.argv[1].split(',')], float(sys.argv[2]) / 1000
torch.set_num_threads(int(sys.argv[3])); torch.manual_seed(0)
${setup}
out = []
with torch.no_grad():
    for b in batches:
        x = torch.randn(b, 3, ${inputSize}, ${inputSize})
        model(x); times = []; cpu = []; t0 = time.perf_counter()
        while len(times) < 3 or (time.perf_counter() - t0 < budget and len(times) < 20):
            c = time.process_time(); t = time.perf_counter(); model(x)
            times.append(time.perf_counter() - t); cpu.append(time.process_time() - c)
        times.sort(); cpu.sort(); med = times[len(times) // 2]
        out.append({'batch': b, 'imagesPerSecond': round(b / med, 1), 'msPerBatch': round(med * 1000, 2), 'cpuMsPerBatch': round(cpu[len(cpu) // 2] * 1000, 2), 'runs': len(times)})
print(json.dumps({'timings': out, 'peakRssMB': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 'torch': torch.__version__}))
`;
}

export interface TorchTimingResult {
  timings: Timing[];
  peakRssMB: number;
  torch: string;
}

/** Runs torchTimingScript(setup) with /usr/bin/python3 (the first python3 on PATH has no torch). */
export function timeTorch(
  setup: string,
  inputSize: number,
  batches: number[],
  budgetMs: number,
  threads: number,
  extra: string[] = [],
): TorchTimingResult {
  return spawnJson<TorchTimingResult>(
    PYTHON,
    [
      '-c',
      torchTimingScript(setup, inputSize),
      batches.join(','),
      String(budgetMs),
      String(threads),
      ...extra,
    ],
    threads,
  );
}

/** `b1 812.3 img/s (cpu 2.1 ms/batch), b8 …` for the logs. */
export function describeTimings(timings: readonly Timing[]): string {
  return timings
    .map((x) => `b${x.batch} ${x.imagesPerSecond} img/s (cpu ${x.cpuMsPerBatch} ms/batch)`)
    .join(', ');
}
