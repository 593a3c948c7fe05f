// `pnpm bench checkpoint [--repeats N] [--warmup N] [--keep DIR]`: load time of a ResNet50-sized checkpoint
// (pytorchcv resnet50 state_dict keys and shapes, random float32 weights, ~98 MiB, written by
// Debian's torch 1.13 in the zip format) with @hawq-ts/checkpoint's loadTorch against torch.load
// in the same run, plus each side's peak RSS. Every measurement runs in its own child process
// (_checkpoint-child.ts on our side), so the peak RSS is that process's own (VmHWM, in KiB).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineInfo, PY_PEAK_RSS_KIB, PYTHON, resultsPath, round } from './util.js';

const here = dirname(fileURLToPath(import.meta.url));
const resultsFile = resultsPath('checkpoint');

interface Measurement {
  name: string;
  /** wall-clock time of each load */
  runsMs: number[];
  medianMs: number;
  /** CPU time (user + system, all threads) of each load: less sensitive to a busy machine */
  cpuMs: number[];
  medianCpuMs: number;
  /** minor page faults of each load: fresh memory the load had to map (the main cost of a cold load) */
  pageFaults: number[];
  /** MiB: VmHWM is in KiB on both sides */
  peakRssMiB: number;
  /** RSS before the first load (interpreter, runtime and imports): peak minus this is the load's */
  baseRssMiB: number;
  /** importing the loader (`@hawq-ts/checkpoint` / `import torch`), untimed in the load figures:
   *  median over the measuring processes */
  importMs: number;
  importCpuMs: number;
}

/** Between timed loads each side drops its result, frees it and waits this long, untimed, so every
 *  load starts with the previous one's memory back in malloc. CPython frees a checkpoint the moment
 *  its refcount drops; V8 keeps the last result reachable until the current task ends, and storages
 *  allocated during incremental marking survive that cycle, so the Node side collects twice (yielding
 *  to the event loop in between), more if process.memoryUsage().arrayBuffers shows them alive. */
const SETTLE_MS = 100;

export async function run(args: string[]): Promise<void> {
  const repeats = Number(flag(args, '--repeats') ?? 5);
  // V8 tiers the loader up over a few loads; CPython has no JIT. Both sides get the same warm-up.
  const warmup = Number(flag(args, '--warmup') ?? 3);
  const keep = flag(args, '--keep');
  const dir = keep ?? mkdtempSync(join(tmpdir(), 'hawq-bench-ckpt-'));
  const uptimeBefore = uptime();
  console.error(`uptime: ${uptimeBefore}`);
  mkdirSync(dir, { recursive: true });
  try {
    const file = join(dir, 'resnet50.pth');
    console.error(`generating a pytorchcv resnet50 state_dict with torch (${file})`);
    python(GENERATE, [file], JSON.stringify(resnet50Shapes()));
    const bytes = statSync(file).size;
    console.error(`${(bytes / 2 ** 20).toFixed(1)} MiB; timing ${repeats} loads per side`);

    // Warm: one process, `warmup` untimed loads, then the median of `repeats` loads (allocator
    // and JIT warm). Cold: `repeats` fresh processes, one load each (what a CLI or a training script
    // does), timed inside the process so interpreter start-up and `import torch` are excluded.
    // Default options = torch.load's checks (it verifies no CRC); verifyCrc adds the storages'.
    const warm = node('hawq-ts loadTorch, warm', [file, `${repeats}`, `${warmup}`, 'nocrc']);
    const warmCrc = node('hawq-ts loadTorch verifyCrc: true, warm', [
      file,
      `${repeats}`,
      `${warmup}`,
      'crc',
    ]);
    const torchWarm = pythonLoad('torch.load (PyTorch 1.13, CPU), warm', file, repeats, warmup);
    // cold runs alternate between the two sides so drifting machine load hits both alike
    const coldOurs: Measurement[] = [];
    const coldTorch: Measurement[] = [];
    for (let i = 0; i < repeats; i++) {
      coldOurs.push(node('', [file, '1', '0', 'nocrc']));
      coldTorch.push(pythonLoad('', file, 1, 0));
    }
    const cold = combine('hawq-ts loadTorch, cold (fresh process per load)', coldOurs);
    const torchCold = combine('torch.load, cold (fresh process per load)', coldTorch);
    const results = [warm, warmCrc, torchWarm, cold, torchCold];
    const uptimeAfter = uptime();
    for (const r of results) {
      console.error(
        `${r.name.padEnd(50)} median ${r.medianMs.toFixed(1).padStart(7)} ms (CPU ${r.medianCpuMs.toFixed(1).padStart(6)} ms, ${median(r.pageFaults).toFixed(0).padStart(5)} page faults)  peak RSS ${r.peakRssMiB.toFixed(1)} MiB (${r.baseRssMiB.toFixed(1)} before loading); import ${r.importMs.toFixed(0)} ms`,
      );
    }
    console.error(`uptime: ${uptimeAfter}`);
    const ratioWarm = round(warm.medianMs / torchWarm.medianMs, 3);
    const ratioCold = round(cold.medianMs / torchCold.medianMs, 3);
    const cpuRatioWarm = round(warm.medianCpuMs / torchWarm.medianCpuMs, 3);
    const cpuRatioCold = round(cold.medianCpuMs / torchCold.medianCpuMs, 3);
    // The RSS goal compares like with like: file size and RSS both in MiB (VmHWM is KiB).
    const fileMiB = bytes / 2 ** 20;
    const rssBudgetMiB = fileMiB + 50;
    const out = {
      command: `pnpm bench checkpoint ${args.join(' ')}`.trim(),
      date: new Date().toISOString(),
      machine: {
        ...machineInfo(),
        loadAverage1m: round(loadavg()[0] ?? 0, 2),
        uptimeBefore,
        uptimeAfter,
        torch: python('import torch; print(torch.__version__)', []).trim(),
      },
      workload: `torch.save of a pytorchcv resnet50 state_dict (320 tensors, random float32; zip format) — ${fileMiB.toFixed(1)} MiB (${(bytes / 1e6).toFixed(1)} MB), in the page cache; load = parse + every tensor materialized; warm = median of ${repeats} loads in one process after ${warmup} warm-up loads (between loads, untimed, each side frees its result — Node: gc() until process.memoryUsage().arrayBuffers shows the storages gone — and pauses ${SETTLE_MS} ms), cold = median of ${repeats} fresh processes loading once (start-up and imports not timed)`,
      fileBytes: bytes,
      results,
      ratioToTorchLoad: { warm: ratioWarm, cold: ratioCold },
      cpuTimeRatioToTorchLoad: { warm: cpuRatioWarm, cold: cpuRatioCold },
      // For context only (the goals time the load alone): a fresh process's first load including
      // importing the loader, medians over the cold processes.
      coldWithImportMs: {
        ours: round(cold.importMs + cold.medianMs, 1),
        torch: round(torchCold.importMs + torchCold.medianMs, 1),
      },
      goals: {
        loadTimeRatioCold: { goal: '<= 1.0', value: ratioCold, met: ratioCold <= 1.0 },
        loadTimeRatioWarm: { goal: '<= 1.0', value: ratioWarm, met: ratioWarm <= 1.0 },
        peakRss: {
          goal: `<= file size + 50 MiB = ${rssBudgetMiB.toFixed(1)} MiB (one load in a fresh process)`,
          valueMiB: cold.peakRssMiB,
          met: cold.peakRssMiB <= rssBudgetMiB,
          /** what the load itself adds to the process (Node and the imports are there before) */
          loadAddsMiB: round(cold.peakRssMiB - cold.baseRssMiB, 1),
        },
      },
    };
    mkdirSync(dirname(resultsFile), { recursive: true });
    writeFileSync(resultsFile, `${JSON.stringify(out, null, 2)}\n`);
    console.error(
      `ratio to torch.load: cold ${ratioCold}, warm ${ratioWarm} (CPU time: cold ${cpuRatioCold}, warm ${cpuRatioWarm}); wrote ${resultsFile}`,
    );
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

/** One measuring process (_checkpoint-child.ts): `FILE N WARMUP crc|nocrc`. */
function node(name: string, childArgs: string[]): Measurement {
  const child = join(here, '_checkpoint-child.js');
  const args = ['--expose-gc', child, ...childArgs, `${SETTLE_MS}`];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`${name} failed:\n${r.stderr}`);
  return measurement(name, r.stdout);
}

function pythonLoad(name: string, file: string, repeats: number, warmup: number): Measurement {
  return measurement(name, python(TORCH_LOAD, [file, `${repeats}`, `${warmup}`, `${SETTLE_MS}`]));
}

function measurement(name: string, json: string): Measurement {
  const { runsMs, cpuMs, pageFaults, baseRssKB, maxRssKB, importMs, importCpuMs } = JSON.parse(
    json,
  ) as {
    runsMs: number[];
    cpuMs: number[];
    pageFaults: number[];
    baseRssKB: number;
    maxRssKB: number;
    importMs: number;
    importCpuMs: number;
  };
  return {
    name,
    runsMs: runsMs.map((x) => round(x, 1)),
    medianMs: round(median(runsMs), 1),
    cpuMs: cpuMs.map((x) => round(x, 1)),
    medianCpuMs: round(median(cpuMs), 1),
    pageFaults,
    peakRssMiB: round(maxRssKB / 1024, 1),
    baseRssMiB: round(baseRssKB / 1024, 1),
    importMs: round(importMs, 1),
    importCpuMs: round(importCpuMs, 1),
  };
}

/** One measurement from several single-load processes: all runs, their medians, the largest RSS. */
function combine(name: string, parts: Measurement[]): Measurement {
  const runsMs = parts.flatMap((p) => p.runsMs);
  const cpuMs = parts.flatMap((p) => p.cpuMs);
  return {
    name,
    runsMs,
    medianMs: round(median(runsMs), 1),
    cpuMs,
    medianCpuMs: round(median(cpuMs), 1),
    pageFaults: parts.flatMap((p) => p.pageFaults),
    peakRssMiB: Math.max(...parts.map((p) => p.peakRssMiB)),
    baseRssMiB: Math.max(...parts.map((p) => p.baseRssMiB)),
    importMs: round(median(parts.map((p) => p.importMs)), 1),
    importCpuMs: round(median(parts.map((p) => p.importCpuMs)), 1),
  };
}

function python(code: string, args: string[], input?: string): string {
  const r = spawnSync(PYTHON, ['-c', code, ...args], {
    encoding: 'utf8',
    input,
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) {
    throw new Error(
      `${PYTHON} failed (is python3-torch installed? see tools/setup.sh):\n${r.stderr}`,
    );
  }
  return r.stdout;
}

const GENERATE = `
import collections, json, sys, torch
shapes = json.load(sys.stdin)
g = torch.Generator().manual_seed(0)
sd = collections.OrderedDict()
for name, shape in shapes:
    if name.endswith('num_batches_tracked'):
        sd[name] = torch.tensor(0, dtype=torch.int64)
    else:
        sd[name] = torch.randn(shape, generator=g)
torch.save(sd, sys.argv[1])
`;

const TORCH_LOAD = `
import gc, json, re, resource, sys, time
i0, ic0 = time.perf_counter(), time.process_time()
import torch
import_ms, import_cpu_ms = (time.perf_counter() - i0) * 1000, (time.process_time() - ic0) * 1000
file, n, warmup, pause = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]) / 1000
cpu, faults = [], []
base_rss = ${PY_PEAK_RSS_KIB}
def minflt():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt
def once():
    f0 = minflt()
    c0 = time.process_time()
    t0 = time.perf_counter()
    sd = torch.load(file)
    elements = sum(t.numel() for t in sd.values())
    ms = (time.perf_counter() - t0) * 1000
    cpu.append((time.process_time() - c0) * 1000)
    faults.append(minflt() - f0)
    assert elements > 25_000_000
    return ms
def settle():
    gc.collect()
    time.sleep(pause)
for _ in range(warmup):
    once()
    cpu.pop()
    faults.pop()
    settle()
runs = []
for i in range(n):
    runs.append(once())
    if i < n - 1:
        settle()
print(json.dumps({"runsMs": runs, "cpuMs": cpu, "pageFaults": faults, "baseRssKB": base_rss, "maxRssKB": ${PY_PEAK_RSS_KIB}, "importMs": import_ms, "importCpuMs": import_cpu_ms}))
`;

/** pytorchcv resnet50: state_dict keys and shapes, in state_dict order (320 entries). */
export function resnet50Shapes(): [string, number[]][] {
  const out: [string, number[]][] = [];
  const convBlock = (prefix: string, cout: number, cin: number, k: number) => {
    out.push([`${prefix}.conv.weight`, [cout, cin, k, k]]);
    for (const p of ['weight', 'bias', 'running_mean', 'running_var'])
      out.push([`${prefix}.bn.${p}`, [cout]]);
    out.push([`${prefix}.bn.num_batches_tracked`, []]);
  };
  convBlock('features.init_block.conv', 64, 3, 7);
  let cin = 64;
  [3, 4, 6, 3].forEach((units, s) => {
    const cout = 256 * 2 ** s;
    const mid = cout / 4;
    for (let u = 1; u <= units; u++) {
      const p = `features.stage${s + 1}.unit${u}`;
      convBlock(`${p}.body.conv1`, mid, cin, 1);
      convBlock(`${p}.body.conv2`, mid, mid, 3);
      convBlock(`${p}.body.conv3`, cout, mid, 1);
      if (u === 1) convBlock(`${p}.identity_conv`, cout, cin, 1);
      cin = cout;
    }
  });
  out.push(['output.weight', [1000, 2048]], ['output.bias', [1000]]);
  return out;
}

function uptime(): string {
  try {
    return execFileSync('uptime', { encoding: 'utf8' }).trim();
  } catch {
    return `load average: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(', ')}`;
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}
