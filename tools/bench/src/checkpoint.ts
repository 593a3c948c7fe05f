// `pnpm bench checkpoint [--repeats N] [--keep DIR]`: load time of a ResNet50-sized checkpoint
// (pytorchcv resnet50 state_dict keys and shapes, random float32 weights, ~98 MiB, written by
// Debian's torch 1.13 in the zip format) with @hawq-ts/checkpoint's loadTorch against torch.load
// in the same run, plus each side's peak RSS. Every measurement runs in its own child process so
// the peak RSS is that process's own (process.resourceUsage().maxRSS / getrusage).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTorch, type PyValue, stateDictOf } from '@hawq-ts/checkpoint';
import { machineInfo, round } from './util.js';

const PYTHON = '/usr/bin/python3';
const here = dirname(fileURLToPath(import.meta.url));
const resultsFile = join(here, '..', 'results', 'checkpoint.json');

interface Measurement {
  name: string;
  /** wall-clock time of each load */
  runsMs: number[];
  medianMs: number;
  /** CPU time (user + system, all threads) of each load: less sensitive to a busy machine */
  cpuMs: number[];
  medianCpuMs: number;
  peakRssMB: number;
}

export async function run(args: string[]): Promise<void> {
  if (args[0] === '--child') return child(args.slice(1));
  const repeats = Number(flag(args, '--repeats') ?? 5);
  const keep = flag(args, '--keep');
  const dir = keep ?? mkdtempSync(join(tmpdir(), 'hawq-bench-ckpt-'));
  mkdirSync(dir, { recursive: true });
  try {
    const file = join(dir, 'resnet50.pth');
    console.error(`generating a pytorchcv resnet50 state_dict with torch (${file})`);
    python(GENERATE, [file], JSON.stringify(resnet50Shapes()));
    const bytes = statSync(file).size;
    console.error(`${(bytes / 2 ** 20).toFixed(1)} MiB; timing ${repeats} loads per side`);

    // Warm: one process, one warm-up load, then the median of `repeats` loads (allocator and JIT
    // warm). Cold: `repeats` fresh processes, one load each (what a CLI or a training script
    // does), timed inside the process so interpreter start-up and `import torch` are excluded.
    // Default options = torch.load's checks (it verifies no CRC); verifyCrc adds the storages'.
    const warm = node('hawq-ts loadTorch, warm', ['load', file, String(repeats), 'nocrc']);
    const warmCrc = node('hawq-ts loadTorch verifyCrc: true, warm', [
      'load',
      file,
      String(repeats),
      'crc',
    ]);
    const torchWarm = pythonLoad('torch.load (PyTorch 1.13, CPU), warm', file, repeats, true);
    // cold runs alternate between the two sides so drifting machine load hits both alike
    const coldOurs: Measurement[] = [];
    const coldTorch: Measurement[] = [];
    for (let i = 0; i < repeats; i++) {
      coldOurs.push(node('', ['load', file, '1', 'nocrc']));
      coldTorch.push(pythonLoad('', file, 1, false));
    }
    const cold = combine('hawq-ts loadTorch, cold (fresh process per load)', coldOurs);
    const torchCold = combine('torch.load, cold (fresh process per load)', coldTorch);
    const results = [warm, warmCrc, torchWarm, cold, torchCold];
    for (const r of results) {
      console.error(
        `${r.name.padEnd(50)} median ${r.medianMs.toFixed(1).padStart(7)} ms (CPU ${r.medianCpuMs.toFixed(1).padStart(6)} ms)  peak RSS ${r.peakRssMB.toFixed(0)} MB`,
      );
    }
    const ratioWarm = round(warm.medianMs / torchWarm.medianMs, 3);
    const ratioCold = round(cold.medianMs / torchCold.medianMs, 3);
    const cpuRatioWarm = round(warm.medianCpuMs / torchWarm.medianCpuMs, 3);
    const cpuRatioCold = round(cold.medianCpuMs / torchCold.medianCpuMs, 3);
    const fileMB = bytes / 1e6;
    const rssBudgetMB = fileMB + 50;
    const out = {
      command: `pnpm bench checkpoint ${args.join(' ')}`.trim(),
      date: new Date().toISOString(),
      machine: {
        ...machineInfo(),
        loadAverage1m: round(loadavg()[0] ?? 0, 2),
        torch: python('import torch; print(torch.__version__)', []).trim(),
      },
      workload: `torch.save of a pytorchcv resnet50 state_dict (320 tensors, random float32; zip format) — ${fileMB.toFixed(1)} MB, in the page cache; load = parse + every tensor materialized; warm = median of ${repeats} loads in one process after a warm-up load, cold = median of ${repeats} fresh processes loading once (start-up and imports not timed)`,
      fileBytes: bytes,
      results,
      ratioToTorchLoad: { warm: ratioWarm, cold: ratioCold },
      cpuTimeRatioToTorchLoad: { warm: cpuRatioWarm, cold: cpuRatioCold },
      goals: {
        loadTimeRatioCold: { goal: '<= 1.0', value: ratioCold, met: ratioCold <= 1.0 },
        loadTimeRatioWarm: { goal: '<= 1.0', value: ratioWarm, met: ratioWarm <= 1.0 },
        peakRss: {
          goal: `<= file size + 50 MB = ${rssBudgetMB.toFixed(1)} MB (one load in a fresh process)`,
          value: cold.peakRssMB,
          met: cold.peakRssMB <= rssBudgetMB,
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

/** Child: `load FILE N crc|nocrc` — one warm-up, then N timed loads; prints JSON. */
async function child(args: string[]): Promise<void> {
  const [cmd, file, n, crc] = args;
  if (cmd !== 'load' || !file) throw new Error('usage: --child load FILE N crc|nocrc');
  const opts = { verifyCrc: crc === 'crc' };
  const gc = (globalThis as { gc?: () => void }).gc;
  const cpuMs: number[] = [];
  const once = async (): Promise<number> => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const value: PyValue = await loadTorch(file, opts);
    let elements = 0;
    for (const t of stateDictOf(value).values()) elements += t.data.length;
    const ms = performance.now() - t0;
    const c = process.cpuUsage(c0);
    cpuMs.push((c.user + c.system) / 1000);
    if (elements < 25_000_000) throw new Error(`only ${elements} elements loaded`);
    return ms;
  };
  const count = Number(n);
  // A single-load run measures the RSS of exactly one load, so it skips the warm-up.
  if (count > 1) {
    await once();
    cpuMs.pop();
    gc?.();
  }
  const runsMs: number[] = [];
  for (let i = 0; i < count; i++) {
    runsMs.push(await once());
    gc?.(); // drop the previous file buffer before the next load, as torch's refcounting does
  }
  process.stdout.write(
    `${JSON.stringify({ runsMs, cpuMs, maxRssKB: process.resourceUsage().maxRSS })}\n`,
  );
}

function node(name: string, childArgs: string[]): Measurement {
  const cli = join(here, 'cli.js');
  const args = ['--expose-gc', cli, 'checkpoint', '--child', ...childArgs];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`${name} failed:\n${r.stderr}`);
  return measurement(name, r.stdout);
}

function pythonLoad(name: string, file: string, repeats: number, warmUp: boolean): Measurement {
  return measurement(name, python(TORCH_LOAD, [file, String(repeats), warmUp ? 'warm' : 'cold']));
}

function measurement(name: string, json: string): Measurement {
  const { runsMs, cpuMs, maxRssKB } = JSON.parse(json) as {
    runsMs: number[];
    cpuMs: number[];
    maxRssKB: number;
  };
  return {
    name,
    runsMs: runsMs.map((x) => round(x, 1)),
    medianMs: round(median(runsMs), 1),
    cpuMs: cpuMs.map((x) => round(x, 1)),
    medianCpuMs: round(median(cpuMs), 1),
    peakRssMB: round(maxRssKB / 1024, 1),
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
    peakRssMB: Math.max(...parts.map((p) => p.peakRssMB)),
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
import json, resource, sys, time, torch
file, n, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
cpu = []
def once():
    c0 = time.process_time()
    t0 = time.perf_counter()
    sd = torch.load(file)
    elements = sum(t.numel() for t in sd.values())
    ms = (time.perf_counter() - t0) * 1000
    cpu.append((time.process_time() - c0) * 1000)
    assert elements > 25_000_000
    return ms
if mode == "warm":
    once()
    cpu.pop()
runs = [once() for _ in range(n)]
print(json.dumps({"runsMs": runs, "cpuMs": cpu, "maxRssKB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
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

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}
