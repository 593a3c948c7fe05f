// `pnpm bench eval [--images N] [--tfjs-images M] [--batch-size B] [--workers W] [--engines …]`:
// evaluation throughput with JPEG decoding included, the way `pnpm quant-train -e --resume CKPT
// --resume-quantize` runs it (@hawq-ts/data DataLoader with worker threads, Resize(256) +
// CenterCrop(224), @hawq-ts/evaluator's evaluate() on an engine), against PyTorch in the same run
// (ImageFolder + DataLoader(num_workers=W) + ResNet18 eval under no_grad, torch.set_num_threads(2)).
// Both sides also run decode-only (the loader without a model). The data is an ImageNet-layout
// folder of generated 500×375 JPEGs; the model a Q_ResNet18 uniform8 checkpoint written by
// @hawq-ts/trainer from random weights calibrated on those images (speed does not depend on the
// weights; accuracy is meaningless and not reported). Every configuration runs in its own child
// process so each peak RSS is its own; `uptime` is recorded at the start and end.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadTorch, readHawqCheckpoint } from '@hawq-ts/checkpoint';
import { getBitConfig, initBackend } from '@hawq-ts/core';
import { DataLoader, evalTransformFor, scanImageFolder } from '@hawq-ts/data';
import {
  createOrtEngine,
  createTfjsEngine,
  evaluate,
  type InferenceEngine,
  parseEngineName,
} from '@hawq-ts/evaluator';
import {
  createPytorchcvModel,
  qResNetForward,
  qResNetFromFloatStateDict,
  qResNetFromHawqStateDict,
  trainableVariables,
} from '@hawq-ts/models';
import { CHECKPOINT_FILE, Sgd, saveEpochCheckpoint } from '@hawq-ts/trainer';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import {
  machineInfo,
  PY_PEAK_RSS_KIB,
  PYTHON,
  peakRssKiB,
  resultsPath,
  round,
  TORCH_RESNET_V1,
} from './util.js';

const TORCH_THREADS = 2;
const here = dirname(fileURLToPath(import.meta.url));
const resultsFile = resultsPath('eval');
const ARCH = 'resnet18';
const SCHEME = 'uniform8';
/** The zoo/README recipe the checkpoint is built with (the tfjs engine rebuilds it from these). */
const FLAGS = { actRangeMomentum: 0.99, fixBN: true };
const CLASSES = 10;

export interface Measurement {
  name: string;
  images: number;
  seconds: number;
  imagesPerSecond: number;
  /** CPU time (every thread and worker) per image: less distorted by other load than images/s */
  cpuMsPerImage: number;
  peakRssMB: number;
  /** model build / engine creation before the timed loop (not in `seconds`) */
  setupSeconds?: number;
  note?: string;
}

/** Throughput figures from a count, wall seconds and CPU seconds. */
export function measurement(
  name: string,
  images: number,
  seconds: number,
  cpuSeconds: number,
  peakRssMB: number,
): Measurement {
  if (images <= 0 || seconds <= 0) throw new Error(`${name}: nothing was measured`);
  return {
    name,
    images,
    seconds: round(seconds, 3),
    imagesPerSecond: round(images / seconds, 1),
    cpuMsPerImage: round((cpuSeconds * 1000) / images, 2),
    peakRssMB: round(peakRssMB, 0),
  };
}

/** The first `n` samples spread over the classes: every k-th of the sorted listing. */
export function spread<T>(items: readonly T[], n: number): T[] {
  if (n >= items.length) return [...items];
  const step = items.length / n;
  return Array.from({ length: n }, (_, i) => items[Math.floor(i * step)] as T);
}

// Photo-like 500×375 JPEGs (q90, 4:2:0): a smooth random colour field (a 50×38 grid upsampled
// bicubically) plus fine noise (±30), so files are ~100 KB like ImageNet's validation photos.
async function generate(root: string, n: number): Promise<number> {
  const w = 500;
  const h = 375;
  let s = 2024;
  const rand = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const dir = join(root, 'val', `n${String(i % CLASSES).padStart(8, '0')}`);
    mkdirSync(dir, { recursive: true });
    const grid = Buffer.from(Array.from({ length: 50 * 38 * 3 }, () => Math.floor(rand() * 256)));
    const base = await sharp(grid, { raw: { width: 50, height: 38, channels: 3 } })
      .resize(w, h, { kernel: 'cubic' })
      .raw()
      .toBuffer();
    for (let j = 0; j < base.length; j++) {
      base[j] = Math.max(0, Math.min(255, (base[j] as number) + Math.floor(rand() * 61) - 30));
    }
    const file = join(dir, `ILSVRC2012_val_${String(i + 1).padStart(8, '0')}.JPEG`);
    await sharp(base, { raw: { width: w, height: h, channels: 3 } })
      .jpeg({ quality: 90 })
      .toFile(file);
    bytes += statSync(file).size;
  }
  return bytes / n;
}

/**
 * Child `prepare`: a Q_ResNet18 from random PyTorchCV weights, one training-mode forward on a batch
 * of the images (HAWQ's ranges start from the first batch) and one frozen forward (validate(),
 * which sets the integer buffers), saved as checkpoint.pth.tar by @hawq-ts/trainer.
 */
async function prepare(root: string, dir: string): Promise<void> {
  await initBackend({ backend: 'wasm' });
  const float = createPytorchcvModel(ARCH);
  const model = qResNetFromFloatStateDict(float.stateDict(), {
    bitConfig: getBitConfig(ARCH, SCHEME).entries,
    flags: FLAGS,
    source: `random ${ARCH}`,
  });
  float.dispose();
  const listing = await scanImageFolder(join(root, 'val'));
  const loader = new DataLoader(spread(listing.samples, 8), {
    batchSize: 8,
    workers: 0,
    transform: evalTransformFor(ARCH),
  });
  for await (const b of loader) {
    tf.tidy(() => qResNetForward(model, tf.tensor4d(b.images, [...b.shape])).dataSync());
    const engine = createTfjsEngine(model);
    await engine.run(b.images, b.shape);
    await engine.dispose();
  }
  await loader.close();
  const opt = new Sgd(trainableVariables(model), { lr: 0.001, momentum: 0.9, weightDecay: 1e-4 });
  await saveEpochCheckpoint(dir, model, opt, { epoch: 1, arch: ARCH, bestAcc1: 0 }, false);
  process.stdout.write(`${JSON.stringify({ checkpoint: join(dir, CHECKPOINT_FILE) })}\n`);
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
}

/** The engine `pnpm quant-train -e --engine NAME --resume CKPT --resume-quantize` builds. */
async function buildEngine(name: string, ckptFile: string): Promise<InferenceEngine> {
  const engine = parseEngineName(name);
  const ckpt = readHawqCheckpoint(await loadTorch(ckptFile), ckptFile);
  if (engine !== 'tfjs') {
    // as quant-train -e runs it: the engine's own chunking, whatever the loader's batch
    return createOrtEngine(ckpt.stateDict, engine, { arch: ARCH, source: ckptFile });
  }
  await initBackend({ backend: 'wasm' });
  return createTfjsEngine(
    qResNetFromHawqStateDict(ckpt.stateDict, {
      bitConfig: getBitConfig(ARCH, SCHEME).entries,
      flags: FLAGS,
      source: ckptFile,
    }),
  );
}

/** Child: decode-only (`engine` = 'decode') or decode + evaluate(); a Measurement on stdout. */
async function child(args: string[]): Promise<void> {
  const [kind, root, ckptFile, batchArg, workersArg, imagesArg] = args as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  // `prepare` writes the checkpoint: its third argument is the output folder
  if (kind === 'prepare') return prepare(root, ckptFile);
  const batchSize = Number(batchArg);
  const listing = await scanImageFolder(join(root, 'val'));
  const samples = spread(listing.samples, Number(imagesArg));
  const t0 = performance.now();
  const engine = kind === 'decode' ? undefined : await buildEngine(kind, ckptFile);
  // one untimed batch: ORT's first run allocates its arena, wasm compiles its kernels
  const shape = [batchSize, 3, 224, 224] as const;
  await engine?.run(new Float32Array(batchSize * 3 * 224 * 224), shape);
  const setupSeconds = (performance.now() - t0) / 1000;
  const loader = new DataLoader(samples, {
    batchSize,
    workers: Number(workersArg),
    transform: evalTransformFor(ARCH),
  });
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  let count = 0;
  try {
    if (engine) {
      const r = await evaluate(engine, loader, { numClasses: CLASSES, progress: false });
      count = r.count;
    } else {
      for await (const b of loader) count += b.shape[0];
    }
  } finally {
    await loader.close();
    await engine?.dispose();
  }
  const m = measurement(
    kind,
    count,
    (performance.now() - start) / 1000,
    cpuSeconds(cpu0),
    peakRssKiB() / 1024,
  );
  process.stdout.write(`${JSON.stringify({ ...m, setupSeconds: round(setupSeconds, 1) })}\n`);
}

// torchvision's ImageFolder, transforms and resnet18 when installed; otherwise the same thing by
// hand (torchvision's folder scan, PIL loader and PIL-path transforms; the ResNet18 of util.ts).
const PY_BENCH = `
import json, os, re, resource, sys, time, torch
from torch.utils.data import DataLoader, Dataset
mode, root, batch, workers, limit = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
torch.set_num_threads(${TORCH_THREADS}); torch.manual_seed(0)
mean, std = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
try:
    import torchvision
    from torchvision import datasets, models, transforms as T
    ds = datasets.ImageFolder(os.path.join(root, 'val'), T.Compose([T.Resize(256), T.CenterCrop(224), T.ToTensor(), T.Normalize(mean, std)]))
    make_model = lambda: models.resnet18()
    kind = 'torchvision ' + torchvision.__version__
except ImportError:
    import numpy as np
    from PIL import Image
    ${TORCH_RESNET_V1.trim().split('\n').join('\n    ')}
    class Folder(Dataset):
        def __init__(self, d):
            classes = sorted(e.name for e in os.scandir(d) if e.is_dir())
            self.samples = [(os.path.join(d, c, f), i) for i, c in enumerate(classes) for f in sorted(os.listdir(os.path.join(d, c)))]
            self.m, self.s = torch.tensor(mean).view(3, 1, 1), torch.tensor(std).view(3, 1, 1)
        def __len__(self): return len(self.samples)
        def __getitem__(self, i):
            p, y = self.samples[i]
            with open(p, 'rb') as f: im = Image.open(f).convert('RGB')
            w, h = im.size
            size = (256, int(256 * h / w)) if w <= h else (int(256 * w / h), 256)
            im = im.resize(size, Image.BILINEAR)
            l, t = int(round((size[0] - 224) / 2.0)), int(round((size[1] - 224) / 2.0))
            x = torch.from_numpy(np.array(im.crop((l, t, l + 224, t + 224)), copy=True))
            x = x.permute(2, 0, 1).contiguous().float().div(255)
            return (x - self.m) / self.s, y
    ds = Folder(os.path.join(root, 'val'))
    make_model = lambda: resnet_v1('resnet18')
    kind = 'PIL + torch (no torchvision: its ImageFolder and PIL transforms by hand)'
if limit < len(ds):
    step = len(ds) / limit
    ds = torch.utils.data.Subset(ds, [int(i * step) for i in range(limit)])
t0 = time.perf_counter()
model = make_model().eval() if mode == 'eval' else None
if model is not None:
    with torch.no_grad(): model(torch.zeros(batch, 3, 224, 224))
setup = time.perf_counter() - t0
loader = DataLoader(ds, batch_size=batch, shuffle=False, num_workers=workers)
def cpu():
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime
t0, c0, n = time.perf_counter(), cpu(), 0
with torch.no_grad():
    for x, y in loader:
        if model is not None: model(x).argmax(1)
        n += x.shape[0]
del loader
dt, dc = time.perf_counter() - t0, cpu() - c0
rss = ${PY_PEAK_RSS_KIB} + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({'kind': kind, 'images': n, 'seconds': dt, 'cpu': dc, 'rssMB': rss / 1024, 'setup': setup, 'torch': torch.__version__}))
`;

function spawnJson<T>(cmd: string, argv: string[]): T {
  const r = spawnSync(cmd, argv, {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${argv.slice(0, 4).join(' ')} exited with ${r.status ?? r.signal}`);
  }
  return JSON.parse(r.stdout.trim().split('\n').at(-1) as string) as T;
}

function uptime(): string {
  try {
    return execFileSync('uptime', { encoding: 'utf8' }).trim();
  } catch {
    return 'uptime unavailable';
  }
}

interface Options {
  images: number;
  tfjsImages: number;
  batch: number;
  workers: number;
  engines: string[];
}

function parseOptions(args: string[]): Options {
  const { values } = parseArgs({
    args,
    options: {
      images: { type: 'string', default: '256' },
      'tfjs-images': { type: 'string', default: '48' },
      'batch-size': { type: 'string', default: '32' },
      workers: { type: 'string', default: '2' },
      engines: { type: 'string', default: 'ort,ort-int8,tfjs' },
    },
  });
  const images = positive(values.images, '--images');
  return {
    images,
    tfjsImages: Math.min(images, positive(values['tfjs-images'], '--tfjs-images')),
    batch: positive(values['batch-size'], '--batch-size'),
    workers: positive(values.workers, '--workers'),
    engines: values.engines.split(',').map((e) => parseEngineName(e.trim())),
  };
}

export async function run(args: string[]): Promise<void> {
  if (args[0] === '--child') return child(args.slice(1));
  let options: Options;
  try {
    options = parseOptions(args);
  } catch (err) {
    // a bad flag is a usage error: one line and exit 2, like the dispatcher's unknown topic
    console.error(`pnpm bench eval: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 2;
    return;
  }

  const { images, tfjsImages, batch, workers, engines } = options;
  const uptimeStart = uptime();
  console.error(uptimeStart);
  const started = Date.now();
  const root = mkdtempSync(join(tmpdir(), 'hawq-bench-eval-'));
  const cli = join(here, 'cli.js');
  const node = (kind: string, n: number): Measurement => {
    const m = spawnJson<Measurement>(process.execPath, [
      cli,
      'eval',
      '--child',
      kind,
      root,
      join(root, CHECKPOINT_FILE),
      String(batch),
      String(workers),
      String(n),
    ]);
    return { ...m, name: kind === 'decode' ? 'hawq-ts decode only' : `hawq-ts ${kind}` };
  };
  let torchVersion = '';
  let baseline = '';
  const python = (mode: 'decode' | 'eval'): Measurement => {
    const r = spawnJson<{
      kind: string;
      images: number;
      seconds: number;
      cpu: number;
      rssMB: number;
      setup: number;
      torch: string;
    }>(PYTHON, ['-c', PY_BENCH, mode, root, String(batch), String(workers), String(images)]);
    torchVersion = r.torch;
    baseline = r.kind;
    return {
      ...measurement(
        mode === 'decode' ? 'pytorch decode only' : 'pytorch resnet18 float eval',
        r.images,
        r.seconds,
        r.cpu,
        r.rssMB,
      ),
      setupSeconds: round(r.setup, 1),
      note: 'peak RSS = main process + largest DataLoader worker',
    };
  };
  try {
    console.error(`generating ${images} 500x375 JPEGs (q90) in ${root}`);
    const meanJpegKB = round((await generate(root, images)) / 1024, 1);
    const t = performance.now();
    spawnJson<unknown>(process.execPath, [cli, 'eval', '--child', 'prepare', root, root]);
    console.error(`checkpoint prepared in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const results: Measurement[] = [];
    const failed: Array<{ name: string; error: string }> = [];
    // a crashed configuration is recorded and the others still run
    const show = (name: string, measure: () => Measurement) => {
      try {
        const m = measure();
        results.push(m);
        console.error(
          `${m.name.padEnd(30)} ${m.imagesPerSecond.toFixed(1).padStart(7)} img/s  ${m.cpuMsPerImage.toFixed(1).padStart(6)} CPU ms/img  peak RSS ${m.peakRssMB} MB  (${m.images} images)`,
        );
      } catch (err) {
        failed.push({ name, error: err instanceof Error ? err.message : String(err) });
        console.error(`${name}: ${failed.at(-1)?.error}`);
      }
    };
    show('hawq-ts decode only', () => node('decode', images));
    show('pytorch decode only', () => python('decode'));
    show('pytorch resnet18 float eval', () => python('eval'));
    for (const e of engines)
      show(`hawq-ts ${e}`, () => node(e, e === 'tfjs' ? tfjsImages : images));
    const torchEval = results.find((r) => r.name === 'pytorch resnet18 float eval');
    const ratios: Record<string, number> = {};
    for (const r of results) {
      if (!r.name.startsWith('hawq-ts') || !torchEval) continue;
      const base = r.name.includes('decode')
        ? results.find((x) => x.name === 'pytorch decode only')
        : torchEval;
      if (base)
        ratios[`${r.name} / ${base.name}`] = round(r.imagesPerSecond / base.imagesPerSecond, 3);
    }
    const uptimeEnd = uptime();
    const out = {
      command: `pnpm bench eval ${args.join(' ')}`.trim(),
      date: new Date().toISOString(),
      machine: { ...machineInfo(), torch: torchVersion },
      uptime: { start: uptimeStart, end: uptimeEnd },
      workload: `${images} generated 500x375 JPEGs (q90, mean ${meanJpegKB} KB) in ${CLASSES} class folders → Resize(256) → CenterCrop(224) → Normalize, batch ${batch}, ${workers} decode workers; tfjs engine on ${tfjsImages} of them`,
      ours: `quant-train -e's pipeline: @hawq-ts/data DataLoader (${workers} worker threads) + @hawq-ts/evaluator evaluate() on a ${ARCH} ${SCHEME} checkpoint.pth.tar written by @hawq-ts/trainer (random weights, calibrated); ort = exact integer graph, ort-int8 = all-int8 QLinearConv graph, tfjs = fake-quant forward on tfjs-wasm`,
      baseline: `${baseline}: ImageFolder + DataLoader(num_workers=${workers}, batch ${batch}) + ResNet18 float eval under no_grad, torch.set_num_threads(${TORCH_THREADS})`,
      threads:
        'ORT: its default intra-op threads (one per core); tfjs-wasm: 1 thread; the decode workers share the same 2 cores on both sides',
      timing:
        'images/s over the whole loop (decode, transfer, inference) after an untimed warm-up batch; model and engine set-up excluded (setupSeconds)',
      results,
      failed,
      ratios,
      totalSeconds: round((Date.now() - started) / 1000, 1),
    };
    mkdirSync(dirname(resultsFile), { recursive: true });
    const tmp = `${resultsFile}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(out, null, 2)}\n`);
    renameSync(tmp, resultsFile);
    for (const [k, v] of Object.entries(ratios)) console.error(`${k}: ×${v}`);
    console.error(`${uptimeEnd}\nwrote ${resultsFile} (${out.totalSeconds} s)`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function positive(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`${flag} ${value}: expected a positive integer`);
  return n;
}
