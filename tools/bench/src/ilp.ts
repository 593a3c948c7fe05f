// `pnpm bench ilp [--data ilp-data.json] [--repeats N]`: solve time of HAWQ's bit-allocation ILP
// on the 18 instances of its notebook data (resnet18/50 × size/bops/latency × r = 0.75/0.5/0.25),
// @hawq-ts/ilp with HiGHS and with its exact branch and bound, against HAWQ's own toolchain:
// PuLP + GLPK (`glpsol --tmlim 10000 --simplex`, as ILP.ipynb) through /usr/bin/python3
// (Debian: apt-get install python3-pulp glpk-utils). Each side runs in its own process, so the
// peak RSS is its own; the decisions are compared too. Per-instance figures are medians over
// --repeats after a warm-up; the first solve of each process is reported separately.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BudgetKind, parseSensitivityJson, type SolverName, solveIlp } from '@hawq-ts/ilp';
import { machineInfo, PY_PEAK_RSS_KIB, PYTHON, peakRssKiB, resultsPath, round } from './util.js';

const here = dirname(fileURLToPath(import.meta.url));
const resultsFile = resultsPath('ilp');
const defaultData = resolve(here, '../../../../shared/reference/ilp-data.json');

const ARCHS = ['resnet18', 'resnet50'] as const;
const KINDS: BudgetKind[] = ['size', 'bops', 'latency'];
const RATIOS = [0.75, 0.5, 0.25];

interface SideResult {
  name: string;
  /** Median over repeats of the per-instance solve time, summed over the 18 instances. */
  totalMs: number;
  perInstanceMedianMs: number;
  /** CPU time (user + system, child processes included) per solve over the timed loop. */
  cpuMsPerSolve: number;
  /** The very first solve of the process (HiGHS: includes instantiating its WebAssembly). */
  firstSolveMs: number;
  peakRssMB: number;
  /** `arch kind r` → body-conv bits in the notebook's layer order, e.g. "8884…". */
  decisions: Record<string, string>;
  note?: string;
}

export async function run(args: string[]): Promise<void> {
  if (args[0] === '--child') return child(args[1] as SolverName, args[2]!, Number(args[3]));
  const data = flag(args, '--data') ?? defaultData;
  const repeats = Number(flag(args, '--repeats') ?? 7);
  if (!existsSync(data)) throw new Error(`--data ${data}: no such file`);
  const sides: SideResult[] = [
    spawnNode('highs', data, repeats),
    spawnNode('branch-and-bound', data, repeats),
  ];
  const glpk = pythonBaseline(data, repeats);
  if (glpk) sides.push(glpk);
  const ours = sides[0]!;
  for (const s of sides) {
    console.error(
      `${s.name.padEnd(42)} ${s.perInstanceMedianMs.toFixed(2).padStart(8)} ms/solve  ` +
        `(cpu ${s.cpuMsPerSolve.toFixed(2)} ms)  ${s.totalMs.toFixed(1).padStart(8)} ms for 18  first ${s.firstSolveMs.toFixed(1)} ms  ` +
        `peak RSS ${s.peakRssMB.toFixed(0)} MB`,
    );
  }
  const agreement = (s: SideResult) =>
    Object.entries(ours.decisions).filter(([k, v]) => s.decisions[k] === v).length;
  const out = {
    command: `pnpm bench ilp ${args.join(' ')}`.trim(),
    date: new Date().toISOString(),
    machine: {
      ...machineInfo(),
      // Other jobs share this machine; a high load slows every side alike.
      loadAverage1m: round(loadavg()[0]!, 2),
    },
    instances: 18,
    repeats,
    results: sides.map(({ decisions, ...rest }) => ({
      ...rest,
      sameDecisionAsHighs: `${agreement({ decisions } as SideResult)}/18`,
    })),
    ratios: glpk
      ? {
          glpkOverHighsTime: round(glpk.totalMs / ours.totalMs, 2),
          glpkOverHighsCpu: round(glpk.cpuMsPerSolve / ours.cpuMsPerSolve, 2),
          glpkOverHighsPeakRss: round(glpk.peakRssMB / ours.peakRssMB, 2),
        }
      : 'baseline unavailable: apt-get install python3-pulp glpk-utils',
  };
  mkdirSync(dirname(resultsFile), { recursive: true });
  writeFileSync(resultsFile, `${JSON.stringify(out, null, 2)}\n`);
  console.error(`wrote ${resultsFile}`);
}

function spawnNode(solver: SolverName, data: string, repeats: number): SideResult {
  const cli = join(here, 'cli.js');
  const r = spawnSync(process.execPath, [cli, 'ilp', '--child', solver, data, String(repeats)], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`benchmark child ${solver} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as SideResult;
}

async function child(solver: SolverName, data: string, repeats: number): Promise<void> {
  const text = readFileSync(data, 'utf8');
  const decisions: Record<string, string> = {};
  const medians: number[] = [];
  const models = ARCHS.map((arch) => parseSensitivityJson(text, data, arch));
  const t0 = performance.now();
  await solveIlp(models[0]!, [{ kind: 'bops', ratio: 0.5 }], { solver });
  const firstSolveMs = performance.now() - t0;
  // Warm-up (two passes over the instances): V8 compiles HiGHS's WebAssembly lazily and tiers
  // it up, so the first few dozen solves run unoptimized code (~80 ms instead of ~12 ms of CPU).
  for (let pass = 0; pass < 2; pass++) {
    for (const model of models) {
      for (const kind of KINDS) {
        for (const ratio of RATIOS) await solveIlp(model, [{ kind, ratio }], { solver });
      }
    }
  }
  const cpu0 = process.cpuUsage();
  for (const [a, arch] of ARCHS.entries()) {
    const sensitivity = models[a]!;
    for (const kind of KINDS) {
      for (const ratio of RATIOS) {
        const times: number[] = [];
        let bits = '';
        for (let k = 0; k < repeats; k++) {
          const t0 = performance.now();
          const solution = await solveIlp(sensitivity, [{ kind, ratio }], { solver });
          times.push(performance.now() - t0);
          bits = [...solution.bits.values()].join('');
        }
        medians.push(median(times));
        decisions[`${arch} ${kind} ${ratio}`] = bits;
      }
    }
  }
  const cpu = process.cpuUsage(cpu0);
  const result: SideResult = {
    cpuMsPerSolve: round((cpu.user + cpu.system) / 1000 / (18 * repeats), 3),
    name: `@hawq-ts/ilp ${solver}`,
    totalMs: round(
      medians.reduce((s, t) => s + t, 0),
      2,
    ),
    perInstanceMedianMs: round(median(medians), 3),
    firstSolveMs: round(firstSolveMs, 1),
    peakRssMB: round(peakRssKiB() / 1024, 1),
    decisions,
  };
  process.stdout.write(JSON.stringify(result));
}

/** HAWQ's ILP.ipynb formulation, verbatim in spirit: x_i ∈ {1, 2} integers, PuLP, GLPK. */
const PULP_SCRIPT = `
import json, re, resource, statistics, sys, time
import pulp
data, repeats = json.load(open(sys.argv[1]))['models'], int(sys.argv[2])
decisions, medians, first = {}, [], None
def cpu():
    a, b = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return (a.ru_utime + a.ru_stime + b.ru_utime + b.ru_stime) * 1000
cpu0 = cpu()
for arch in ['resnet18', 'resnet50']:
    m = data[arch]; n = len(m['layers'])
    omega = [t * (d8 - d4) for t, d8, d4 in zip(m['Hutchinson_trace'], m['delta_weights_8bit_square'], m['delta_weights_4bit_square'])]
    costs = {
        'size': [(0.5 * p, p) for p in m['parameters']],
        'bops': [(b / 64, b / 16) for b in m['bops']],
        'latency': list(zip(m['latency_int4'], m['latency_int8'])),
    }
    for kind in ['size', 'bops', 'latency']:
        for r in [0.75, 0.5, 0.25]:
            times = []
            for _ in range(repeats):
                t0 = time.perf_counter()
                prob = pulp.LpProblem('ILP', pulp.LpMinimize)
                x = [pulp.LpVariable('x%d' % i, 1, 2, cat='Integer') for i in range(n)]
                prob += pulp.lpSum((x[i] - 1) * omega[i] for i in range(n))
                c4 = sum(c[0] for c in costs[kind]); c8 = sum(c[1] for c in costs[kind])
                prob += pulp.lpSum(costs[kind][i][0] + (x[i] - 1) * (costs[kind][i][1] - costs[kind][i][0]) for i in range(n)) <= c4 + r * (c8 - c4)
                for a, b in m['ties']:
                    prob += x[m['layers'].index(a)] == x[m['layers'].index(b)]
                prob.solve(pulp.GLPK_CMD(msg=0, options=['--tmlim', '10000', '--simplex']))
                times.append((time.perf_counter() - t0) * 1000)
                first = times[0] if first is None else first
                bits = ''.join('8' if v.varValue > 1.5 else '4' for v in x)
            medians.append(statistics.median(times))
            decisions['%s %s %s' % (arch, kind, r)] = bits
cpu_ms = (cpu() - cpu0) / (18 * repeats)
rss = max(${PY_PEAK_RSS_KIB}, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(json.dumps({'name': 'HAWQ toolchain: PuLP %s + GLPK (glpsol)' % pulp.__version__, 'totalMs': round(sum(medians), 2),
  'perInstanceMedianMs': round(statistics.median(medians), 3), 'firstSolveMs': round(first, 1), 'cpuMsPerSolve': round(cpu_ms, 3), 'peakRssMB': round(rss / 1024, 1), 'decisions': decisions,
  'note': 'includes writing the LP file and spawning glpsol per solve, as PuLP does'}))
`;

function pythonBaseline(data: string, repeats: number): SideResult | undefined {
  const r = spawnSync(PYTHON, ['-c', PULP_SCRIPT, data, String(repeats)], { encoding: 'utf8' });
  if (r.status !== 0) {
    console.error(`PuLP + GLPK baseline unavailable (${r.stderr.trim().split('\n').pop()})`);
    return undefined;
  }
  return JSON.parse(r.stdout) as SideResult;
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
