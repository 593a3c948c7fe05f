// `pnpm bench data [--images N] [--batch-size B]`: decode + validation transform throughput
// (JPEG → Resize(256) → CenterCrop(224) → normalised float32 NCHW) of @hawq-ts/data with 1 and 2
// worker threads, against torchvision (or, without it, PIL + torch/NumPy doing what torchvision's PIL
// path does) with 1 and 2 processes, and against a plain sharp resize (fast but not PIL-exact).
// Every configuration runs in its own child process so each peak RSS is its own.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataLoader, evalTransformFor, normalizationTable, scanImageFolder } from '@hawq-ts/data';
import sharp from 'sharp';
import { machineInfo, PY_PEAK_RSS_KIB, PYTHON, peakRssKiB, resultsPath, round } from './util.js';

const here = dirname(fileURLToPath(import.meta.url));
const resultsFile = resultsPath('data');

interface Measurement {
  name: string;
  images: number;
  seconds: number;
  imagesPerSecond: number;
  /** CPU time (all threads or processes) per image: less sensitive to other load than images/s. */
  cpuMsPerImage: number;
  peakRssMB: number;
  note?: string;
}

export async function run(args: string[]): Promise<void> {
  if (args[0] === '--child') return child(args.slice(1));
  const images = Number(flag(args, '--images') ?? 400);
  const batchSize = Number(flag(args, '--batch-size') ?? 32);
  const repeats = Number(flag(args, '--repeats') ?? 2);
  const loadAtStart = loadavg()[0]!;
  const root = mkdtempSync(join(tmpdir(), 'hawq-bench-data-'));
  try {
    console.error(`generating ${images} 500x375 JPEGs (q90) in ${root}`);
    await generate(root, images);
    const results: Measurement[] = [];
    // Best of `repeats` runs per configuration, to damp interference from other processes.
    const node = (name: string, ...a: string[]) =>
      results.push(best(repeats, () => spawnChild([name, root, String(batchSize), ...a])));
    node('hawq-ts/data, 1 worker thread', 'loader', '1');
    node('hawq-ts/data, 2 worker threads', 'loader', '2');
    node('hawq-ts/data, main thread only', 'loader', '0');
    node('plain sharp resize (not PIL-exact), 2 in flight', 'sharp');
    const baseline = pythonBaseline(root, batchSize, repeats);
    results.push(...baseline.results);
    for (const r of results) {
      console.error(
        `${r.name.padEnd(52)} ${r.imagesPerSecond.toFixed(1).padStart(7)} img/s  ${r.cpuMsPerImage.toFixed(2).padStart(6)} CPU ms/img  peak RSS ${r.peakRssMB.toFixed(0)} MB`,
      );
    }
    const byName = (n: string) => results.find((r) => r.name.startsWith(n));
    const ratio = (a?: Measurement, b?: Measurement) =>
      a && b ? round(a.imagesPerSecond / b.imagesPerSecond, 2) : null;
    const cpuRatio = (a?: Measurement, b?: Measurement) =>
      a && b ? round(a.cpuMsPerImage / b.cpuMsPerImage, 2) : null;
    const out = {
      command: `pnpm bench data ${args.join(' ')}`.trim(),
      date: new Date().toISOString(),
      machine: {
        ...machineInfo(),
        // Other jobs share this machine; a high load lowers every figure of the run alike.
        loadAverage1m: { start: round(loadAtStart, 2), end: round(loadavg()[0]!, 2) },
      },
      workload: `${images} synthetic 500x375 JPEGs (q90, 4:2:0) → Resize(256) → CenterCrop(224) → ToTensor → Normalize, batches of ${batchSize}`,
      baseline: baseline.description,
      results,
      ratios: {
        'ours 1 worker / baseline 1 process': ratio(
          byName('hawq-ts/data, 1 worker'),
          byName(`${baseline.label}, 1 process`),
        ),
        'ours 2 workers / baseline 2 processes': ratio(
          byName('hawq-ts/data, 2 worker'),
          byName(`${baseline.label}, 2 processes`),
        ),
        'baseline CPU per image / ours (1 worker)': cpuRatio(
          byName(`${baseline.label}, 1 process`),
          byName('hawq-ts/data, 1 worker'),
        ),
        'ours 2 workers / plain sharp': ratio(
          byName('hawq-ts/data, 2 worker'),
          byName('plain sharp'),
        ),
      },
    };
    mkdirSync(dirname(resultsFile), { recursive: true });
    writeFileSync(resultsFile, `${JSON.stringify(out, null, 2)}\n`);
    console.error(`wrote ${resultsFile}`);
    process.stdout.write(`${JSON.stringify(out.ratios)}\n`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

// Photo-like content: gradients, a wave and noise, so JPEG sizes resemble real 500x375 photos.
async function generate(root: string, n: number): Promise<void> {
  const w = 500;
  const h = 375;
  let seed = 12345;
  const noise = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 24) % 24;
  };
  for (let i = 0; i < n; i++) {
    const dir = join(root, 'val', `class${String(i % 10).padStart(2, '0')}`);
    mkdirSync(dir, { recursive: true });
    const px = Buffer.alloc(w * h * 3);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const o = (y * w + x) * 3;
        const wave = 40 * Math.sin((x + i * 7) / 23) * Math.cos(y / 31);
        px[o] = Math.max(0, Math.min(255, (x * 200) / w + wave + noise()));
        px[o + 1] = Math.max(0, Math.min(255, (y * 200) / h - wave + noise()));
        px[o + 2] = Math.max(0, Math.min(255, 128 + wave + ((i * 29) % 80) + noise()));
      }
    }
    await sharp(px, { raw: { width: w, height: h, channels: 3 } })
      .jpeg({ quality: 90 })
      .toFile(join(dir, `${i}.jpg`));
  }
}

function spawnChild(childArgs: string[]): Measurement {
  const cli = join(here, 'cli.js');
  const r = spawnSync(process.execPath, [cli, 'data', '--child', ...childArgs], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`benchmark child ${childArgs[0]} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Measurement;
}

async function child([name, root, batch, kind, workers]: string[]): Promise<void> {
  const listing = await scanImageFolder(join(root!, 'val'));
  const batchSize = Number(batch);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let count = 0;
  if (kind === 'loader') {
    const loader = new DataLoader(listing.samples, {
      batchSize,
      workers: Number(workers),
      transform: evalTransformFor('resnet18'),
    });
    for await (const b of loader) count += b.shape[0];
    await loader.close();
  } else {
    // Same output (normalised CHW float32), but libvips' linear resize instead of PIL's.
    const lut = normalizationTable();
    const out = new Float32Array(3 * 224 * 224);
    const one = async (path: string) => {
      const meta = await sharp(path).metadata();
      const s = Math.min(meta.width!, meta.height!);
      const rw = meta.width! <= meta.height! ? 256 : Math.trunc((256 * meta.width!) / s);
      const rh = meta.width! <= meta.height! ? Math.trunc((256 * meta.height!) / s) : 256;
      const { data } = await sharp(path)
        .resize({ width: rw, height: rh, fit: 'fill', kernel: 'linear' })
        .extract({
          left: Math.round((rw - 224) / 2),
          top: Math.round((rh - 224) / 2),
          width: 224,
          height: 224,
        })
        .raw()
        .toBuffer({ resolveWithObject: true });
      for (let i = 0; i < 224 * 224; i++) {
        for (let c = 0; c < 3; c++) out[c * 224 * 224 + i] = lut[c * 256 + data[i * 3 + c]!]!;
      }
      count++;
    };
    let next = 0;
    const lane = async () => {
      while (next < listing.samples.length) await one(listing.samples[next++]!.path);
    };
    await Promise.all([lane(), lane()]);
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const m: Measurement = {
    name: name!,
    images: count,
    seconds: round(seconds, 3),
    imagesPerSecond: round(count / seconds, 1),
    cpuMsPerImage: round((cpu.user + cpu.system) / 1000 / count, 2),
    peakRssMB: round(peakRssKiB() / 1024, 1),
  };
  process.stdout.write(JSON.stringify(m));
}

// torchvision's val transform if installed; otherwise exactly its PIL path by hand: PIL open +
// convert('RGB'), resize((w, h), BILINEAR), crop, then torch (or NumPy) ToTensor + Normalize.
const PY_BENCH = `
import json, os, re, sys, time, resource
from multiprocessing import Pool
root, procs, batch = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
try:
    import torch
    torch.set_num_threads(1)
except ImportError:
    torch = None
try:
    import torchvision.transforms as T
    from torchvision.datasets.folder import pil_loader
    tf = T.Compose([T.Resize(256), T.CenterCrop(224), T.ToTensor(), T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])
    def load(p):
        return tf(pil_loader(p)).numpy()
    kind = 'torchvision'
except ImportError:
    import numpy as np
    from PIL import Image
    mean = np.array([0.485, 0.456, 0.406], np.float32).reshape(3, 1, 1)
    std = np.array([0.229, 0.224, 0.225], np.float32).reshape(3, 1, 1)
    def load(p):
        im = Image.open(p).convert('RGB')
        w, h = im.size
        s, l = (w, h) if w <= h else (h, w)
        nl = int(256 * l / s)
        size = (256, nl) if w <= h else (nl, 256)
        im = im.resize(size, Image.BILINEAR)
        left, top = int(round((size[0] - 224) / 2.0)), int(round((size[1] - 224) / 2.0))
        a = np.array(im.crop((left, top, left + 224, top + 224)))
        if torch is not None:
            t = torch.from_numpy(a).permute(2, 0, 1).contiguous().float().div(255)
            return t.sub_(torch.from_numpy(mean)).div_(torch.from_numpy(std)).numpy()
        return ((a.transpose(2, 0, 1).astype(np.float32) / np.float32(255)) - mean) / std
    kind = 'PIL + torch' if torch is not None else 'PIL + NumPy'
paths = sorted(os.path.join(d, f) for d, _, fs in os.walk(os.path.join(root, 'val')) for f in fs)
def run_batch(ps):
    import numpy as np
    return np.stack([load(p) for p in ps]).shape[0]
batches = [paths[i:i + batch] for i in range(0, len(paths), batch)]
def cpu():
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime
t0, c0 = time.perf_counter(), cpu()
if procs == 1:
    n = sum(run_batch(b) for b in batches)
else:
    with Pool(procs) as pool:
        n = sum(pool.imap(run_batch, batches))
dt, dc = time.perf_counter() - t0, cpu() - c0
rss = ${PY_PEAK_RSS_KIB} + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({'kind': kind, 'images': n, 'seconds': dt, 'cpu': dc, 'rss_kb': rss}))
`;

function best(repeats: number, measure: () => Measurement): Measurement {
  let top = measure();
  for (let i = 1; i < repeats; i++) {
    const m = measure();
    if (m.imagesPerSecond > top.imagesPerSecond) top = m;
  }
  return top;
}

function pythonBaseline(
  root: string,
  batchSize: number,
  repeats: number,
): {
  label: string;
  description: string;
  results: Measurement[];
} {
  if (spawnSync(PYTHON, ['-c', 'import PIL, numpy'], { stdio: 'ignore' }).status !== 0) {
    return {
      label: 'none',
      description: `${PYTHON} has no PIL/NumPy: only the plain sharp baseline ran`,
      results: [],
    };
  }
  const results: Measurement[] = [];
  let kind = '';
  for (const procs of [1, 2]) {
    const measure = (): Measurement => {
      const out = execFileSync(PYTHON, ['-c', PY_BENCH, root, String(procs), String(batchSize)], {
        encoding: 'utf8',
      });
      const r = JSON.parse(out) as {
        kind: string;
        images: number;
        seconds: number;
        cpu: number;
        rss_kb: number;
      };
      kind = r.kind;
      return {
        name: `${r.kind}, ${procs} process${procs > 1 ? 'es' : ''}`,
        images: r.images,
        seconds: round(r.seconds, 3),
        imagesPerSecond: round(r.images / r.seconds, 1),
        cpuMsPerImage: round((r.cpu * 1000) / r.images, 2),
        peakRssMB: round(r.rss_kb / 1024, 1),
        note:
          procs > 1
            ? 'multiprocessing.Pool like DataLoader(num_workers=2); RSS = parent + largest child'
            : undefined,
      };
    };
    results.push(best(repeats, measure));
  }
  const description =
    kind === 'torchvision'
      ? 'torchvision transforms on PIL images (Debian python3-torchvision)'
      : `torchvision is not installed for ${PYTHON}; the baseline runs torchvision's PIL code path by hand (${kind}): Image.open().convert('RGB'), resize(BILINEAR), crop, ToTensor, Normalize`;
  return { label: kind, description, results };
}
