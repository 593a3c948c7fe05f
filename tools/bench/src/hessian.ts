// `pnpm bench hessian [--full-batch N] [--skip-full]`: Hessian-vector products by double backprop,
// @hawq-ts/hessian on tfjs-WASM against PyTorch 1.13 CPU autograd (/usr/bin/python3, the way
// PyHessian computes Hv: autograd.grad(create_graph=True), then grad of ⟨g, v⟩), on the same
// PyTorchCV ResNet18 weights, images, labels and Rademacher v (exchanged as .pth files):
//   1. narrow ResNet18 (stem 8, widths 8/16/32/64), batch 8, 193²: the full Hv of all 19 body
//      convs is compared element by element (an independent check of the tfjs second-order path);
//   2. full-width ResNet18, batch --full-batch (4), 224²: time only (vᵀHv compared).
// Each side runs in its own process (peak RSS its own); times are medians of 3 after a warm-up.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadTorch, saveTorch, stateDictOf, Tensor } from '@hawq-ts/checkpoint';
import { initBackend, type ResNetSpec, resnetSpec } from '@hawq-ts/core';
import {
  crossEntropy,
  hessianVectorProduct,
  RademacherStream,
  registerSecondOrderGradients,
  resnetBodyLayers,
} from '@hawq-ts/hessian';
import { createResNet, pytorchcvFromStateDict } from '@hawq-ts/models';
import * as tf from '@tensorflow/tfjs';
import { machineInfo, PY_PEAK_RSS_KIB, PYTHON, peakRssKiB, resultsPath } from './util.js';

const resultsFile = resultsPath('hessian');
const REPEATS = 3;

const PY = `
import json, re, resource, sys, time, torch, torch.nn.functional as F
sd = torch.load(sys.argv[1]); data = torch.load(sys.argv[2]); names = json.loads(sys.argv[4])
torch.set_num_threads(int(sys.argv[5])); repeats = int(sys.argv[6])
P = {k: v.clone().requires_grad_(k.endswith('.weight') or k.endswith('.bias')) for k, v in sd.items() if not k.endswith('num_batches_tracked')}
def cb(p, x, s, pad, relu):
    y = F.conv2d(x, P[p + '.conv.weight'], None, s, pad)
    y = F.batch_norm(y, P[p + '.bn.running_mean'], P[p + '.bn.running_var'], P[p + '.bn.weight'], P[p + '.bn.bias'], False, 0.0, 1e-5)
    return F.relu(y) if relu else y
def forward(x):
    x = F.max_pool2d(cb('features.init_block.conv', x, 2, 3, True), 3, 2, 1)
    s = 1
    while ('features.stage%d.unit1.body.conv1.conv.weight' % s) in sd:
        u = 1
        while ('features.stage%d.unit%d.body.conv1.conv.weight' % (s, u)) in sd:
            p = 'features.stage%d.unit%d.' % (s, u); st = 2 if (u == 1 and s > 1) else 1
            idn = cb(p + 'identity_conv', x, st, 0, False) if (p + 'identity_conv.conv.weight') in sd else x
            b = cb(p + 'body.conv2', cb(p + 'body.conv1', x, st, 1, True), 1, 1, False)
            x = F.relu(b + idn); u += 1
        s += 1
    x = F.avg_pool2d(x, 7, 1).flatten(1)
    return F.linear(x, P['output.weight'], P['output.bias'])
params = [P[n + '.weight'] for n in names]; vs = [data['v.' + n] for n in names]
def hvp():
    loss = F.cross_entropy(forward(data['x']), data['labels'])
    g = torch.autograd.grad(loss, params, create_graph=True)
    return torch.autograd.grad(sum((gi * vi).sum() for gi, vi in zip(g, vs)), params)
hv = hvp(); times = []
for _ in range(repeats):
    t0 = time.perf_counter(); hv = hvp(); times.append(time.perf_counter() - t0)
out = {'ms': sorted(times)[len(times) // 2] * 1000, 'vhv': [float((h * v).sum()) for h, v in zip(hv, vs)],
       'peakRssMB': ${PY_PEAK_RSS_KIB} / 1024}
torch.save({'hv.' + n: h.detach() for n, h in zip(names, hv)}, sys.argv[3])
print(json.dumps(out))
`;

interface Case {
  label: string;
  spec: ResNetSpec;
  batch: number;
  size: number;
  compareElements: boolean;
}

export async function run(args: string[]): Promise<void> {
  if (args[0] === '--child') return child(args[1]!, args[2]!, args[3]!);
  const fullBatch = Number(flag(args, '--full-batch') ?? 4);
  const cases: Case[] = [
    {
      label: 'narrow resnet18 (8/16/32/64), batch 8, 193²',
      spec: { ...resnetSpec('resnet18', 10), initChannels: 8, widths: [8, 16, 32, 64] },
      batch: 8,
      size: 193,
      compareElements: true,
    },
  ];
  if (!args.includes('--skip-full')) {
    cases.push({
      label: `resnet18, batch ${fullBatch}, 224²`,
      spec: resnetSpec('resnet18', 1000),
      batch: fullBatch,
      size: 224,
      compareElements: false,
    });
  }
  const dir = mkdtempSync(join(tmpdir(), 'bench-hessian-'));
  const results = [];
  try {
    for (const [i, c] of cases.entries()) {
      const files = await prepare(c, join(dir, String(i)));
      const ours = spawnNode(files);
      const torch1 = pythonSide(files, 1);
      const torch2 = pythonSide(files, 2);
      const comparison = await compare(files, c.compareElements);
      const vhvRel = Math.max(
        ...ours.vhv.map(
          (x, k) => Math.abs(x - torch1.vhv[k]!) / Math.max(1e-12, Math.abs(torch1.vhv[k]!)),
        ),
      );
      const row = {
        case: c.label,
        tfjsWasm: ours,
        torch1Thread: torch1,
        torch2Threads: torch2,
        ratioTfjsOverTorch1: ours.ms / torch1.ms,
        maxRelDiffVHV: vhvRel,
        ...comparison,
      };
      console.error(
        `${c.label}: tfjs-wasm ${ours.ms.toFixed(0)} ms (peak ${ours.peakRssMB.toFixed(0)} MB), torch 1 thread ${torch1.ms.toFixed(0)} ms, 2 threads ${torch2.ms.toFixed(0)} ms (peak ${torch1.peakRssMB.toFixed(0)} MB); ratio ${row.ratioTfjsOverTorch1.toFixed(2)}×; vᵀHv max rel diff ${vhvRel.toExponential(2)}` +
          (comparison.maxAbsDiffOverMaxHv !== undefined
            ? `; Hv max|Δ|/max|Hv| ${comparison.maxAbsDiffOverMaxHv.toExponential(2)}`
            : ''),
      );
      results.push(row);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const out = {
    command: `pnpm bench hessian ${args.join(' ')}`.trim(),
    date: new Date().toISOString(),
    machine: {
      ...machineInfo(),
      // Other jobs share this machine; a high load slows every side alike.
      loadavg: loadavg(),
    },
    results,
  };
  mkdirSync(dirname(resultsFile), { recursive: true });
  writeFileSync(resultsFile, `${JSON.stringify(out, null, 2)}\n`);
  console.error(`wrote ${resultsFile}`);
}

interface Files {
  weights: string;
  data: string;
  names: string[];
  tfjsOut: string;
  torchOut: string;
}

/** Weights, images, labels and one Rademacher v per layer (OIHW), as .pth for both sides. */
async function prepare(c: Case, prefix: string): Promise<Files> {
  await initBackend({ backend: 'cpu' });
  const model = createResNet(c.spec);
  const sd = model.stateDict();
  const names = resnetBodyLayers(model).map((l) => l.spec.pytorchcvName);
  model.dispose();
  const rng = new RademacherStream(7);
  const shape = [c.batch, 3, c.size, c.size];
  const x = tf.tidy(() => tf.mul(rng.next(shape), tf.randomUniform(shape, 0, 1.5, 'float32', 3)));
  const data = new Map<string, Tensor>([
    ['x', Tensor.fromFloat32(shape, Float32Array.from(x.dataSync()))],
    [
      'labels',
      Tensor.fromInt64(
        [c.batch],
        BigInt64Array.from({ length: c.batch }, (_, i) => BigInt((i * 7) % c.spec.numClasses)),
      ),
    ],
  ]);
  x.dispose();
  for (const n of names) {
    const t = sd.get(`${n}.weight`)!;
    const v = rng.next(t.shape);
    data.set(`v.${n}`, Tensor.fromFloat32(t.shape, Float32Array.from(v.dataSync())));
    v.dispose();
  }
  const files = {
    weights: `${prefix}-weights.pth`,
    data: `${prefix}-data.pth`,
    names,
    tfjsOut: `${prefix}-tfjs.pth`,
    torchOut: `${prefix}-torch.pth`,
  };
  await saveTorch(files.weights, sd);
  await saveTorch(files.data, data);
  return files;
}

interface SideResult {
  ms: number;
  vhv: number[];
  peakRssMB: number;
}

function spawnNode(files: Files): SideResult {
  const r = spawnSync(
    process.execPath,
    [process.argv[1]!, 'hessian', '--child', files.weights, files.data, files.tfjsOut],
    { encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  if (r.status !== 0) throw new Error(`tfjs side failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as SideResult;
}

function pythonSide(files: Files, threads: number): SideResult {
  const r = spawnSync(
    PYTHON,
    [
      '-c',
      PY,
      files.weights,
      files.data,
      files.torchOut,
      JSON.stringify(files.names),
      String(threads),
      String(REPEATS),
    ],
    { encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  if (r.status !== 0) throw new Error(`PyTorch side failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as SideResult;
}

/** The tfjs side in its own process: WASM, warm-up, median of REPEATS Hv, Hv saved in OIHW. */
async function child(weights: string, dataFile: string, out: string): Promise<void> {
  await initBackend({ backend: 'wasm' });
  registerSecondOrderGradients();
  const model = pytorchcvFromStateDict(stateDictOf(await loadTorch(weights)));
  const data = stateDictOf(await loadTorch(dataFile));
  const xT = data.get('x')!;
  const x = tf.tensor4d(xT.toFloat32(), xT.shape as [number, number, number, number]);
  const labels = Int32Array.from(data.get('labels')!.toFloat32());
  const layers = resnetBodyLayers(model);
  // v arrives in PyTorch's OIHW; the variables are HWIO.
  const vs = layers.map((l) => {
    const t = data.get(`v.${l.spec.pytorchcvName}`)!;
    return tf.tidy(() => tf.transpose(tf.tensor(t.toFloat32(), t.shape), [2, 3, 1, 0]));
  });
  const loss = () => crossEntropy(model.forward(x, false), labels);
  const params = layers.map((l) => l.variable);
  let hv = hessianVectorProduct(loss, params, vs);
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    tf.dispose(hv);
    const t0 = performance.now();
    hv = hessianVectorProduct(loss, params, vs);
    for (const t of hv) t.dataSync();
    times.push(performance.now() - t0);
  }
  const vhv = hv.map((t, i) => tf.tidy(() => tf.sum(tf.mul(t, vs[i]!)).dataSync()[0]!));
  const saved = new Map<string, Tensor>();
  layers.forEach((l, i) => {
    const oihw = tf.transpose(hv[i]!, [3, 2, 0, 1]);
    saved.set(
      `hv.${l.spec.pytorchcvName}`,
      Tensor.fromFloat32(oihw.shape, Float32Array.from(oihw.dataSync())),
    );
    oihw.dispose();
  });
  await saveTorch(out, saved);
  times.sort((a, b) => a - b);
  const result: SideResult = {
    ms: times[Math.floor(times.length / 2)]!,
    vhv,
    peakRssMB: peakRssKiB() / 1024,
  };
  process.stdout.write(JSON.stringify(result));
}

async function compare(files: Files, elements: boolean): Promise<{ maxAbsDiffOverMaxHv?: number }> {
  if (!elements) return {};
  const a = stateDictOf(await loadTorch(files.tfjsOut));
  const b = stateDictOf(await loadTorch(files.torchOut));
  let maxAbs = 0;
  let maxDiff = 0;
  for (const [k, t] of b) {
    const x = t.toFloat32();
    const y = a.get(k)!.toFloat32();
    for (let i = 0; i < x.length; i++) {
      maxAbs = Math.max(maxAbs, Math.abs(x[i]!));
      maxDiff = Math.max(maxDiff, Math.abs(x[i]! - y[i]!));
    }
  }
  return { maxAbsDiffOverMaxHv: maxDiff / maxAbs };
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}
