// `pnpm bench qat [--quick] [--configs 224x8,28x128] [--schemes uniform8,uniform4]`: images/s of one
// QAT step of HAWQ's Q_ResNet18 as @hawq-ts/trainer runs it (fake-quant forward with --fix-BN and
// --act-range-momentum 0.99, cross-entropy, backward with HAWQ's straight-through gradients, the
// trainer's SGD with momentum and weight decay) on tfjs-wasm with the fast Conv2D gradient, against
// PyTorch CPU (/usr/bin/python3, torch.set_num_threads(2)) in the same run: its float training step
// (BatchNorm in train mode; torch-perf.md's baseline) and a fake-quant step in plain torch (BN folded,
// per-channel weights and activations fake-quantized with STE; HAWQ's recipe, not HAWQ's code).
// Each (side, config, mode) runs in its own child process so its peak RSS is its own. The machine is
// shared: wall time and CPU time (user+sys, all threads) are both recorded, with `uptime` at the
// start and end; PyTorch's two OpenMP threads suffer far more from a busy core than tfjs-wasm's one.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { getBitConfig, initBackend, registerFastConv2dGradient } from '@hawq-ts/core';
import {
  createPytorchcvModel,
  qResNetFromFloatStateDict,
  trainableVariables,
} from '@hawq-ts/models';
import { Sgd, trainStep } from '@hawq-ts/trainer';
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

const THREADS = 2;
const here = dirname(fileURLToPath(import.meta.url));
const resultsFile = resultsPath('qat');
/** quant_train.py's optimiser settings for the README recipe (lr only scales the update). */
const SGD = { lr: 0.001, momentum: 0.9, weightDecay: 1e-4 };

/** One training configuration: square input size, batch size, classes (1000 at ImageNet size). */
export interface StepConfig {
  size: number;
  batch: number;
  classes: number;
}

/** How many steps to time: a warm-up, then at least minSteps, more while within the budget. */
export interface StepPlan {
  warmUp: number;
  minSteps: number;
  maxSteps: number;
  budgetMs: number;
}

export interface StepTiming {
  steps: number;
  /** median wall time of one step */
  msPerStep: number;
  imagesPerSecond: number;
  /** median CPU time (user+sys, every thread) of one step: what a busy machine distorts least */
  cpuMsPerStep: number;
  imagesPerCpuSecond: number;
  peakRssMB: number;
  buildSeconds: number;
}

/** `--configs 224x8,28x128`: SIZExBATCH items; 1000 classes at ImageNet sizes (≥ 193), else 10. */
export function parseConfigs(spec: string): StepConfig[] {
  return spec.split(',').map((item) => {
    const m = /^(\d+)x(\d+)$/.exec(item.trim());
    if (!m) throw new Error(`--configs: '${item}' is not SIZExBATCH (e.g. 224x8)`);
    const size = Number(m[1]);
    const batch = Number(m[2]);
    if (size < 1 || batch < 1)
      throw new Error(`--configs: '${item}' needs a positive size and batch`);
    return { size, batch, classes: size >= 193 ? 1000 : 10 };
  });
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error('median of no values');
  const s = [...xs].sort((p, q) => p - q);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Per-step wall and CPU times (ms) → the figures a result row reports. */
export function summarise(
  batch: number,
  wallMs: readonly number[],
  cpuMs: readonly number[],
): Pick<
  StepTiming,
  'steps' | 'msPerStep' | 'imagesPerSecond' | 'cpuMsPerStep' | 'imagesPerCpuSecond'
> {
  const wall = median(wallMs);
  const cpu = median(cpuMs);
  return {
    steps: wallMs.length,
    msPerStep: round(wall, 1),
    imagesPerSecond: round((batch * 1000) / wall, 2),
    cpuMsPerStep: round(cpu, 1),
    imagesPerCpuSecond: round((batch * 1000) / cpu, 2),
  };
}

function plans(quick: boolean): { tfjs: StepPlan; torch: StepPlan } {
  return {
    // a ResNet18 step at 224×224 batch 8 takes ~5.5 s on tfjs-wasm: one warm-up (kernel set-up and
    // the activation ranges' first update), then a few timed steps
    tfjs: { warmUp: 1, minSteps: quick ? 1 : 2, maxSteps: 10, budgetMs: quick ? 0 : 12_000 },
    torch: { warmUp: 2, minSteps: 3, maxSteps: 30, budgetMs: quick ? 1000 : 4000 },
  };
}

/** Deterministic inputs (a fixed-seed LCG, roughly N(0,1) like normalised images) and labels. */
function syntheticBatch(c: StepConfig): { images: Float32Array; labels: Int32Array } {
  const images = new Float32Array(c.batch * 3 * c.size * c.size);
  let s = 12345;
  for (let i = 0; i < images.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    // sum of two uniforms: cheap, zero mean, unit-ish spread
    const u = s / 2 ** 32;
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    images[i] = (u + s / 2 ** 32 - 1) * 2.45;
  }
  return { images, labels: Int32Array.from({ length: c.batch }, (_, i) => i % c.classes) };
}

/** Child: one Q_ResNet18 on tfjs-wasm, timed trainer steps; JSON on stdout. */
async function child(args: string[]): Promise<void> {
  const [configJson, scheme, planJson] = args as [string, string, string];
  const c = JSON.parse(configJson) as StepConfig;
  const plan = JSON.parse(planJson) as StepPlan;
  const backend = await initBackend({ backend: 'wasm', log: (l) => console.error(l) });
  // the trainer's set-up (apps/quant-train): wasm has no usable Conv2DBackpropFilter of its own
  if (backend === 'wasm') registerFastConv2dGradient();
  const t0 = performance.now();
  const float = createPytorchcvModel('resnet18', { numClasses: c.classes });
  const model = qResNetFromFloatStateDict(float.stateDict(), {
    bitConfig: getBitConfig('resnet18', scheme).entries,
    flags: { actRangeMomentum: 0.99, fixBN: true }, // the README/zoo QAT recipe
    source: 'random resnet18',
  });
  float.dispose();
  const opt = new Sgd(trainableVariables(model), SGD);
  const buildSeconds = (performance.now() - t0) / 1000;
  const { images, labels } = syntheticBatch(c);
  const input = { images, labels, shape: [c.batch, 3, c.size, c.size] as const };
  const step = () => trainStep(model, opt, input);
  try {
    for (let i = 0; i < plan.warmUp; i++) step();
  } catch (err) {
    // e.g. an input size the Q-model does not accept: recorded in the results, not a crash
    const message = err instanceof Error ? err.message : String(err);
    process.stdout.write(`${JSON.stringify({ error: message.split('\n')[0] })}\n`);
    return;
  }
  const wall: number[] = [];
  const cpu: number[] = [];
  const start = performance.now();
  while (
    wall.length < plan.minSteps ||
    (wall.length < plan.maxSteps && performance.now() - start < plan.budgetMs)
  ) {
    const t = performance.now();
    const u = process.cpuUsage();
    const r = step();
    const du = process.cpuUsage(u);
    wall.push(performance.now() - t);
    cpu.push((du.user + du.system) / 1000);
    if (!Number.isFinite(r.loss)) throw new Error(`QAT step ${wall.length}: loss is ${r.loss}`);
  }
  const timing: StepTiming = {
    ...summarise(c.batch, wall, cpu),
    peakRssMB: round(peakRssKiB() / 1024, 0),
    buildSeconds: round(buildSeconds, 1),
  };
  process.stdout.write(`${JSON.stringify(timing)}\n`);
}

// PyTorch side. `float`: the ResNet18 float training step of torch-perf.md (BN in train mode).
// `fakequant`: BN folded with its running statistics (--fix-BN), per-channel symmetric weights and
// symmetric activations (EMA ranges, momentum 0.99) before every conv and the FC, straight-through
// gradients, the FC's bias at 32 bits. Same SGD settings. The final pool is adaptive so that 28×28
// inputs (final map 1×1) work, as in torchvision's resnet18.
const TORCH_SCRIPT = `
import json, re, resource, sys, time, torch, torch.nn as nn, torch.nn.functional as F
cfg, mode, bits, plan, threads = json.loads(sys.argv[1]), sys.argv[2], int(sys.argv[3]), json.loads(sys.argv[4]), int(sys.argv[5])
torch.set_num_threads(threads); torch.manual_seed(0)
${TORCH_RESNET_V1}
def ste(x, q): return x + (q - x).detach()
class QuantAct(nn.Module):
    def __init__(self, bits):
        super().__init__(); self.n = 2 ** (bits - 1) - 1; self.lo = None; self.hi = None
    def forward(self, x):
        with torch.no_grad():
            lo, hi = x.min(), x.max()
            self.lo = lo if self.lo is None else self.lo * 0.99 + lo * 0.01
            self.hi = hi if self.hi is None else self.hi * 0.99 + hi * 0.01
            s = torch.clamp(torch.max(self.lo.abs(), self.hi.abs()), min=1e-8) / self.n
        return ste(x, torch.clamp(torch.round(x / s), -self.n - 1, self.n) * s)
def quant_w(w, bits):
    n = 2 ** (bits - 1) - 1
    with torch.no_grad():
        s = torch.clamp(w.detach().abs().flatten(1).amax(1), min=1e-8) / n
        s = s.view(-1, *([1] * (w.dim() - 1)))
    return ste(w, torch.clamp(torch.round(w / s), -n - 1, n) * s), s
class QConvBN(nn.Module):
    def __init__(self, conv, bn, bits):
        super().__init__(); self.conv, self.bn, self.bits, self.act = conv, bn, bits, QuantAct(bits)
    def forward(self, x):
        x = self.act(x); bn = self.bn
        k = bn.weight / torch.sqrt(bn.running_var + bn.eps)
        w, s = quant_w(self.conv.weight * k.view(-1, 1, 1, 1), self.bits)
        b = bn.bias - bn.running_mean * k
        b = ste(b, torch.round(b / s.flatten()) * s.flatten())
        return F.conv2d(x, w, b, self.conv.stride, self.conv.padding)
class QLinear(nn.Module):
    def __init__(self, fc, bits):
        super().__init__(); self.fc, self.bits, self.act = fc, bits, QuantAct(bits)
    def forward(self, x):
        w, s = quant_w(self.fc.weight, self.bits)
        return F.linear(self.act(x), w, ste(self.fc.bias, torch.round(self.fc.bias / s.flatten()) * s.flatten()))
def fake_quant(m, bits):
    for name, c in list(m.named_children()):
        if isinstance(c, nn.Sequential) and len(c) >= 2 and isinstance(c[0], nn.Conv2d) and isinstance(c[1], nn.BatchNorm2d):
            setattr(m, name, nn.Sequential(QConvBN(c[0], c[1], bits), *list(c)[2:]))
        elif isinstance(c, nn.Linear):
            setattr(m, name, QLinear(c, bits))
        else:
            fake_quant(c, bits)
    return m
model = resnet_v1('resnet18')
model[-3] = nn.AdaptiveAvgPool2d(1)
model[-1] = nn.Linear(512, cfg['classes'])
if mode == 'fakequant':
    model = fake_quant(model, bits)
model.train()
opt = torch.optim.SGD(model.parameters(), lr=${SGD.lr}, momentum=${SGD.momentum}, weight_decay=${SGD.weightDecay})
x = torch.randn(cfg['batch'], 3, cfg['size'], cfg['size'])
y = torch.arange(cfg['batch']) % cfg['classes']
def step():
    opt.zero_grad(); loss = F.cross_entropy(model(x), y); loss.backward(); opt.step(); return loss.item()
for _ in range(plan['warmUp']): step()
wall, cpu = [], []; t0 = time.perf_counter()
while len(wall) < plan['minSteps'] or (len(wall) < plan['maxSteps'] and time.perf_counter() - t0 < plan['budgetMs'] / 1000):
    t, c = time.perf_counter(), time.process_time(); step()
    wall.append((time.perf_counter() - t) * 1000); cpu.append((time.process_time() - c) * 1000)
print(json.dumps({'wall': wall, 'cpu': cpu, 'peakRssMB': round(${PY_PEAK_RSS_KIB} / 1024), 'torch': torch.__version__}))
`;

/** A child's JSON result; a crash (e.g. the wasm heap running out at a large batch) becomes a
 *  recorded error so the other configurations still run. */
function lastJsonLine<T>(cmd: string, argv: string[], threads = 1): T | { error: string } {
  const r = spawnSync(cmd, argv, {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, OMP_NUM_THREADS: String(threads) },
  });
  if (r.status !== 0) return { error: `child exited with ${r.status ?? r.signal}` };
  return JSON.parse(r.stdout.trim().split('\n').at(-1) as string) as T;
}

function uptime(): string {
  try {
    return execFileSync('uptime', { encoding: 'utf8' }).trim();
  } catch {
    return 'uptime unavailable';
  }
}

interface Row extends Partial<StepTiming> {
  side: 'hawq-ts' | 'pytorch';
  engine: string;
  threads: number;
  mode: string;
  config: string;
  error?: string;
  /** images/s ÷ PyTorch's float step, and ÷ PyTorch's fake-quant step at the same bits */
  ratioToTorchFloat?: number;
  ratioToTorchFakeQuant?: number;
  /** ÷ PyTorch's float step on 1 thread: one thread each side */
  ratioToTorchFloat1Thread?: number;
  /** the same ratios in images per CPU-second (less distorted by other load) */
  cpuRatioToTorchFloat?: number;
}

interface Options {
  quick: boolean;
  configs: StepConfig[];
  schemes: string[];
  torchFakeQuant: boolean;
}

function parseOptions(args: string[]): Options {
  const { values } = parseArgs({
    args,
    options: {
      quick: { type: 'boolean', default: false },
      configs: { type: 'string', default: '224x8,28x128' },
      schemes: { type: 'string', default: 'uniform8,uniform4' },
      'no-torch-fakequant': { type: 'boolean', default: false },
    },
  });
  const schemes = values.schemes.split(',').map((s) => s.trim());
  for (const s of schemes) getBitConfig('resnet18', s); // an unknown scheme fails before any run
  return {
    quick: values.quick,
    configs: parseConfigs(values.configs),
    schemes,
    torchFakeQuant: !values['no-torch-fakequant'],
  };
}

export async function run(args: string[]): Promise<void> {
  if (args[0] === '--child') return child(args.slice(1));
  let options: Options;
  try {
    options = parseOptions(args);
  } catch (err) {
    // a bad flag is a usage error: one line and exit 2, like the dispatcher's unknown topic
    console.error(`pnpm bench qat: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 2;
    return;
  }

  const { configs, schemes, torchFakeQuant } = options;
  const p = plans(options.quick);
  const uptimeStart = uptime();
  console.error(uptimeStart);
  const started = Date.now();
  const cli = join(here, 'cli.js');
  const rows: Row[] = [];
  let torchVersion = '';
  for (const c of configs) {
    const config = `${c.size}x${c.size} b${c.batch} (${c.classes} classes)`;
    // float at 2 threads (the baseline) and at 1 thread (like tfjs-wasm, and far less hurt by
    // other load than OpenMP's 2 threads on 2 shared cores)
    const torchModes: Array<[string, number, number]> = [
      ['float', 32, THREADS],
      ['float', 32, 1],
    ];
    if (torchFakeQuant) {
      for (const s of schemes) {
        const bits = uniformBits(s);
        if (bits) torchModes.push([`fakequant-${s}`, bits, THREADS]);
      }
    }
    for (const [mode, bits, threads] of torchModes) {
      const py = lastJsonLine<{ wall: number[]; cpu: number[]; peakRssMB: number; torch: string }>(
        PYTHON,
        [
          '-c',
          TORCH_SCRIPT,
          JSON.stringify(c),
          mode.startsWith('fake') ? 'fakequant' : 'float',
          String(bits),
          JSON.stringify(p.torch),
          String(threads),
        ],
        threads,
      );
      const engine = `pytorch-cpu, ${threads} thread${threads > 1 ? 's' : ''}`;
      if ('error' in py) {
        rows.push({ side: 'pytorch', engine, threads, mode, config, error: py.error });
      } else {
        torchVersion = py.torch;
        rows.push({
          side: 'pytorch',
          engine,
          threads,
          mode,
          config,
          ...summarise(c.batch, py.wall, py.cpu),
          peakRssMB: py.peakRssMB,
          buildSeconds: 0,
        });
      }
      log(rows.at(-1) as Row);
    }
    for (const scheme of schemes) {
      const r = lastJsonLine<StepTiming | { error: string }>(process.execPath, [
        cli,
        'qat',
        '--child',
        JSON.stringify(c),
        scheme,
        JSON.stringify(p.tfjs),
      ]);
      rows.push({
        side: 'hawq-ts',
        engine: 'tfjs-wasm + @hawq-ts/trainer',
        threads: 1,
        mode: `fakequant-${scheme}`,
        config,
        ...r,
      });
      log(rows.at(-1) as Row);
    }
  }
  addRatios(rows);
  const uptimeEnd = uptime();
  const out = {
    command: `pnpm bench qat ${args.join(' ')}`.trim(),
    date: new Date().toISOString(),
    machine: { ...machineInfo(), tfjs: tf.version.tfjs, torch: torchVersion },
    uptime: { start: uptimeStart, end: uptimeEnd },
    settings: {
      model:
        'random-init ResNet18 (PyTorchCV v1 structure), final pool over the whole final map; 1000 classes at 224, 10 at 28',
      ours: 'HAWQ Q_ResNet18 via qResNetFromFloatStateDict, --fix-BN, --act-range-momentum 0.99, per-channel weights; @hawq-ts/trainer trainStep (forward, cross-entropy, backward, SGD) on tfjs-wasm with registerFastConv2dGradient',
      torch: `torch.set_num_threads(${THREADS}) (float also at 1 thread); float = nn ResNet18 in train mode (BN batch statistics); fakequant = BN folded + per-channel weight and activation fake-quant with STE in plain torch`,
      sgd: SGD,
      ratios:
        'ratioToTorchFloat = our images/s ÷ PyTorch float training step at 2 threads (the headline baseline); ratioToTorchFloat1Thread = ÷ the same on 1 thread (tfjs-wasm uses 1); ratioToTorchFakeQuant = ÷ PyTorch fake-quant step at the same bits (2 threads); cpuRatioToTorchFloat uses images per CPU-second',
      plans: p,
      // torch-perf.md, idle machine, same torch build and thread count: a yardstick for how far
      // this run's PyTorch figures were pulled down by other load
      torchIdleReference: {
        '224x224 b16 float train step, 2 threads': 24.7,
        '224x224 b16 float train step, 1 thread': 14.4,
        '28x28 b128 float train step (10 classes), 2 threads': 965,
        '28x28 b128 float train step (10 classes), 1 thread': 577,
      },
    },
    results: rows,
    totalSeconds: round((Date.now() - started) / 1000, 1),
  };
  mkdirSync(dirname(resultsFile), { recursive: true });
  const tmp = `${resultsFile}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(out, null, 2)}\n`);
  renameSync(tmp, resultsFile);
  for (const r of rows.filter((x) => x.side === 'hawq-ts' && !x.error)) {
    console.error(
      `${r.mode} ${r.config}: ×${r.ratioToTorchFloat} of PyTorch float (1 thread: ×${r.ratioToTorchFloat1Thread}; CPU time: ×${r.cpuRatioToTorchFloat}), ×${r.ratioToTorchFakeQuant ?? '–'} of PyTorch fake-quant`,
    );
  }
  console.error(`${uptimeEnd}\nwrote ${resultsFile} (${out.totalSeconds} s)`);
}

/** uniform4 → 4; other schemes (mixed precision) have no single bit width for the torch side. */
export function uniformBits(scheme: string): number | undefined {
  const m = /^uniform(\d+)$/.exec(scheme);
  return m ? Number(m[1]) : undefined;
}

function addRatios(rows: Row[]): void {
  for (const r of rows) {
    if (r.side !== 'hawq-ts' || r.imagesPerSecond === undefined) continue;
    const same = (mode: string, threads = THREADS) =>
      rows.find(
        (t) =>
          t.side === 'pytorch' && t.config === r.config && t.mode === mode && t.threads === threads,
      );
    const float = same('float');
    const fq = same(r.mode);
    const float1 = same('float', 1);
    if (float1?.imagesPerSecond)
      r.ratioToTorchFloat1Thread = round(r.imagesPerSecond / float1.imagesPerSecond, 3);
    if (float?.imagesPerSecond) {
      r.ratioToTorchFloat = round(r.imagesPerSecond / float.imagesPerSecond, 3);
      r.cpuRatioToTorchFloat = round(
        (r.imagesPerCpuSecond as number) / (float.imagesPerCpuSecond as number),
        3,
      );
    }
    if (fq?.imagesPerSecond)
      r.ratioToTorchFakeQuant = round(r.imagesPerSecond / fq.imagesPerSecond, 3);
  }
}

function log(r: Row): void {
  const what = `${r.side} ${r.mode} ${r.config} (${r.engine})`;
  if (r.error) {
    console.error(`${what}: not run (${r.error})`);
    return;
  }
  console.error(
    `${what}: ${r.imagesPerSecond} img/s (${r.msPerStep} ms/step, CPU ${r.cpuMsPerStep} ms/step), peak RSS ${r.peakRssMB} MB`,
  );
}
