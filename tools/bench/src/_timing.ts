// Latency measurement shared by the deploy benchmarks (`deploy`, `deploy-fashion`): each ONNX graph
// timed alone in a child process of its own (the way a user runs one model), PyTorch CPU in its
// own, both reporting median wall and process-CPU ms per batch and the peak RSS of the process.
// Not round-robin in one process: an idle ORT session's thread pool keeps spinning after its run
// and slowed the next session's run 2.5–4× (ResNet18 float b1: 33.4 ms round-robin, 13.2 alone).
// (The leading `_` keeps this module out of cli.ts's topic list.)
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OrtRunner, type RunnerOptions, runOptionsFor } from '@hawq-ts/deploy';
import { PY_PEAK_RSS_KIB, PYTHON, peakRssKiB, round } from './util.js';

export const CLI = join(dirname(fileURLToPath(import.meta.url)), 'cli.js');

export interface Timing {
  batch: number;
  imagesPerSecond: number;
  msPerBatch: number;
  /** Median process CPU time (user+sys, all threads, ORT's spinning included) per batch. */
  cpuMsPerBatch?: number;
  runs: number;
}

/** What the timing child measures: one ONNX file, run by an OrtRunner with `runner` options. */
export interface OrtTimingJob {
  batches: number[];
  /** Per batch size; at least 3 runs, at most `maxRounds` (100). */
  budgetMs: number;
  /** Tiny models need more than 100 runs in their budget for a steady median. */
  maxRounds?: number;
  inputSize: number;
  file: string;
  runner: RunnerOptions;
}

export interface OrtTimingResult {
  timings: Timing[];
  peakRssMB: number;
}

/**
 * How a benchmark runs `engine` on `threads` threads: the deploy package's own policy
 * (runOptionsFor: chunk size, worker threads), so the figures are what users get.
 */
export function runnerFor(engine: string, threads: number): RunnerOptions {
  const known = ['exact', 'fast', 'int8', 'float'] as const;
  const e = known.find((k) => k === engine);
  return e ? runOptionsFor(e, threads) : { batchSize: 32, workers: 1, intraOpThreads: threads };
}

/** Deterministic NCHW images with 3 channels, values roughly in [-2, 2]. */
export function randomImages(n: number, seed: number, size: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n * 3 * size * size }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return Math.fround((s / 2 ** 32 - 0.5) * 4);
  });
}

/** The upper median (the middle run of an odd count), as the timing figures report it. */
export const median = (v: number[]) =>
  [...v].sort((p, q) => p - q)[Math.floor(v.length / 2)] as number;

/** Median wall ms of `runs` calls of `fn` after `warmup` untimed ones. */
export async function medianRunMs(
  fn: () => Promise<unknown>,
  warmup: number,
  runs: number,
): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return median(times);
}

/** Median wall and CPU time of `runner` per batch size, after two warm-up runs of each. */
export async function timeRunner(
  runner: OrtRunner,
  batches: number[],
  budgetMs: number,
  size: number,
  maxRounds = 100,
): Promise<Timing[]> {
  const out: Timing[] = [];
  for (const b of batches) {
    const x = randomImages(b, b, size);
    const shape = [b, 3, size, size];
    for (let i = 0; i < 2; i++) await runner.run(x, shape);
    const times: number[] = [];
    const cpu: number[] = [];
    const t0 = performance.now();
    while (times.length < 3 || (performance.now() - t0 < budgetMs && times.length < maxRounds)) {
      const c = process.cpuUsage();
      const t = performance.now();
      await runner.run(x, shape);
      times.push(performance.now() - t);
      const used = process.cpuUsage(c);
      cpu.push((used.user + used.system) / 1000);
    }
    const med = median(times);
    out.push({
      batch: b,
      imagesPerSecond: round((b * 1000) / med, 1),
      msPerBatch: round(med, 2),
      cpuMsPerBatch: round(median(cpu), 2),
      runs: times.length,
    });
  }
  return out;
}

/** Child side of timeOnnxFile (`pnpm bench TOPIC --child JOB_JSON`): prints OrtTimingResult. */
export async function runTimingChild(jobJson: string): Promise<void> {
  const job = JSON.parse(jobJson) as OrtTimingJob;
  const runner = await OrtRunner.create(job.file, job.runner);
  const timings = await timeRunner(runner, job.batches, job.budgetMs, job.inputSize, job.maxRounds);
  await runner.dispose();
  const result: OrtTimingResult = {
    timings,
    peakRssMB: peakRssKiB() / 1024,
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

/** Times one ONNX file in a fresh child process (`topic` must route `--child` to runTimingChild). */
export function timeOnnxFile(topic: string, job: OrtTimingJob): OrtTimingResult {
  return spawnJson<OrtTimingResult>(
    process.execPath,
    [CLI, topic, '--child', JSON.stringify(job)],
    job.runner.intraOpThreads ?? 2,
  );
}

/**
 * Python timing a float PyTorch model (`setup` defines `model`, may read `sys.argv[4:]`) on random
 * images of `inputSize`²: argv batches (comma list), budget ms, threads. Prints
 * `{timings, peakRssMB, torch}` like timeOnnxFiles.
 */
export function torchTimingScript(setup: string, inputSize: number): string {
  return `
import json, re, resource, sys, time, torch, torch.nn as nn
batches, budget = [int(b) for b in sys.argv[1].split(',')], float(sys.argv[2]) / 1000
torch.set_num_threads(int(sys.argv[3])); torch.manual_seed(0)
${setup}
out = []
with torch.no_grad():
    for b in batches:
        x = torch.randn(b, 3, ${inputSize}, ${inputSize})
        model(x); times = []; cpu = []; t0 = time.perf_counter()
        while len(times) < 3 or (time.perf_counter() - t0 < budget and len(times) < 100):
            c = time.process_time(); t = time.perf_counter(); model(x)
            times.append(time.perf_counter() - t); cpu.append(time.process_time() - c)
        times.sort(); cpu.sort(); med = times[len(times) // 2]
        out.append({'batch': b, 'imagesPerSecond': round(b / med, 1), 'msPerBatch': round(med * 1000, 2), 'cpuMsPerBatch': round(cpu[len(cpu) // 2] * 1000, 2), 'runs': len(times)})
print(json.dumps({'timings': out, 'peakRssMB': ${PY_PEAK_RSS_KIB} / 1024, 'torch': torch.__version__}))
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
