// What this CPU allows the integer engines at most, next to what the issue asks of them (`pnpm
// bench deploy-profile`, "ceilings"):
// - peak: the 512-bit SIMD rate of this CPU (../native/peak.c, built with the machine's gcc):
//   int8 VPDPBUSD and float32 FMA operations per second. `fast` at 6× PyTorch needs, per image,
//   6 × PyTorch's images/s × 2·MACs int8 operations per second, as a share of that peak, before
//   any of the network's non-GEMM work;
// - requantChain: ns per value of the float64 chain ORT has to run for HAWQ's requantization
//   (Cast to float64, × m·2^-e, Round, Clip, Cast to bytes): m·acc needs 53-bit products, and
//   onnxruntime-node loads no custom ops. `exact` at 1.5× PyTorch has a time budget per image, set
//   beside the time of that chain, run on its own, over every value the ResNet requantizes (inside
//   the exact graph it is cheaper by the graph input/output this standalone run also pays: compare
//   the `ops` profile).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeArch, totalMacs } from '@hawq-ts/core';
import type { IntegerModel } from '@hawq-ts/deploy';
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { medianRunMs } from './_timing.js';
import { resultsPath, round } from './util.js';

const PEAK_SOURCE = join(dirname(fileURLToPath(import.meta.url)), '..', 'native', 'peak.c');

export interface PeakRow {
  kind: 'int8' | 'float';
  threads: number;
  gops: number;
}

/** Best of three runs of peak.c per kind and thread count; a reason instead when it cannot run here. */
export function measurePeaks(threadCounts: number[]): PeakRow[] | { skipped: string } {
  const cpuFlags = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  if (!/\bavx512_vnni\b/.test(cpuFlags)) return { skipped: 'this CPU has no AVX512-VNNI' };
  const dir = mkdtempSync(join(tmpdir(), 'hawq-peak-'));
  try {
    const bin = join(dir, 'peak');
    const cc = spawnSync(
      'gcc',
      [
        '-O3',
        '-funroll-all-loops',
        '-mavx512f',
        '-mavx512bw',
        '-mavx512vnni',
        PEAK_SOURCE,
        '-o',
        bin,
        '-lpthread',
      ],
      { encoding: 'utf8' },
    );
    if (cc.status !== 0)
      return {
        skipped: `gcc could not build ${PEAK_SOURCE}: ${(cc.stderr || String(cc.error)).split('\n')[0]}`,
      };
    const rows: PeakRow[] = [];
    for (const kind of ['int8', 'float'] as const)
      for (const threads of threadCounts) {
        const runs = [0, 1, 2].map(() => {
          const r = spawnSync(bin, [kind, String(threads)], { encoding: 'utf8' });
          if (r.status !== 0) throw new Error(`${bin} ${kind} ${threads} failed: ${r.stderr}`);
          return (JSON.parse(r.stdout) as { gops: number }).gops;
        });
        rows.push({ kind, threads, gops: Math.max(...runs) });
        console.error(`peak ${kind} ${threads} thread(s): ${Math.max(...runs)} G ops/s`);
      }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An ONNX graph input/output of element type `elemType` and fixed `dims`. */
export function tensorInfo(name: string, elemType: number, dims: number[]) {
  return {
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((d) => ({ dimValue: d })) } } },
  };
}

/** ns per value of ORT's exact requantization chain on a [1,56,56,256] accumulator (ResNet stage 1). */
export async function requantChainNs(threads: number): Promise<number> {
  const { onnx } = onnxProto;
  const DT = onnx.TensorProto.DataType;
  const [h, c] = [56, 256];
  const dims = [1, h, h, c];
  const f64 = (name: string, d: number[], v: number[]) => ({
    name,
    dims: d,
    dataType: DT.DOUBLE,
    rawData: new Uint8Array(Float64Array.from(v).buffer),
  });
  const to = (t: number) => [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: t }];
  const model = onnx.ModelProto.encode(
    onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 13 }],
      graph: {
        name: 'requant',
        node: [
          { opType: 'Cast', input: ['acc'], output: ['acc64'], attribute: to(DT.DOUBLE) },
          { opType: 'Mul', input: ['acc64', 'M'], output: ['scaled'] },
          { opType: 'Round', input: ['scaled'], output: ['q'] },
          { opType: 'Clip', input: ['q', 'lo', 'hi'], output: ['c'] },
          { opType: 'Cast', input: ['c'], output: ['y'], attribute: to(DT.UINT8) },
        ],
        initializer: [
          f64(
            'M',
            [c],
            Array.from({ length: c }, (_, i) => (1_234_567_890 + 9_973 * i) * 2 ** -40),
          ),
          f64('lo', [], [0]),
          f64('hi', [], [255]),
        ],
        input: [tensorInfo('acc', DT.FLOAT, dims)],
        output: [tensorInfo('y', DT.UINT8, dims)],
      },
    }),
  ).finish();
  const s = await ort.InferenceSession.create(model, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    logSeverityLevel: 3,
  });
  const n = h * h * c;
  const acc = new ort.Tensor(
    'float32',
    Float32Array.from({ length: n }, (_, i) => ((i * 7919) % 200_000) - 100_000),
    dims,
  );
  const ms = await medianRunMs(() => s.run({ acc }), 5, 40);
  await s.release();
  const ns = (ms * 1e6) / n;
  console.error(`ORT float64 requant chain, ${threads} thread(s): ${round(ns, 2)} ns per value`);
  return ns;
}

/** Values HAWQ requantizes per image: every requant input and both sides of every residual sum. */
export function requantizedValues(model: IntegerModel, size: number): number {
  const shape = new Map<string, [number, number, number]>([[model.input, [3, size, size]]]);
  const out = (h: number, k: number, s: number, p: number) => Math.floor((h + 2 * p - k) / s) + 1;
  let values = 0;
  for (const op of model.ops) {
    const input = op.kind === 'residual' ? op.body : op.input;
    const [c, h, w] = shape.get(input) as [number, number, number];
    switch (op.kind) {
      case 'conv': {
        const [co, , k] = op.shape;
        shape.set(op.out, [co, out(h, k, op.stride, op.pad), out(w, k, op.stride, op.pad)]);
        break;
      }
      case 'maxPool':
        shape.set(op.out, [
          c,
          out(h, op.kernel, op.stride, op.pad),
          out(w, op.kernel, op.stride, op.pad),
        ]);
        break;
      case 'linear':
        shape.set(op.out, [op.shape[0], 1, 1]);
        break;
      case 'avgPool':
        shape.set(op.out, [c, 1, 1]);
        break;
      case 'requant':
        values += c * h * w;
        shape.set(op.out, [c, h, w]);
        break;
      case 'residual':
        values += 2 * c * h * w;
        shape.set(op.out, [c, h, w]);
        break;
      default:
        shape.set(op.out, [c, h, w]);
    }
  }
  return values;
}

interface DeployRow {
  arch: string;
  engine: string;
  timings: Array<{ batch: number; imagesPerSecond: number }>;
}

/**
 * Per architecture and batch: the int8 rate `fast` needs for 6× PyTorch (share of the int8 peak)
 * and the time `exact` may take for 1.5× against the requant chain's own time. PyTorch's and the
 * engines' images/s come from the last `pnpm bench deploy` (results/deploy.json).
 */
export function ceilings(
  models: Record<string, IntegerModel>,
  size: number,
  peakInt8Gops: number | undefined,
  chainNs: { oneThread: number; allThreads: number },
  threads: number,
) {
  const file = resultsPath('deploy');
  if (!existsSync(file)) return { skipped: `${file} is missing; run \`pnpm bench deploy\` first` };
  const deploy = JSON.parse(readFileSync(file, 'utf8')) as { results: DeployRow[] };
  const ips = (arch: string, engine: string, batch: number) =>
    deploy.results
      .find(
        (r) =>
          r.arch === arch &&
          (r.engine === engine || (engine === 'pytorch' && r.engine.startsWith('pytorch-'))),
      )
      ?.timings.find((t) => t.batch === batch)?.imagesPerSecond;
  return Object.entries(models).map(([arch, model]) => {
    const macs = totalMacs(describeArch(arch, { inputSize: size }));
    const values = requantizedValues(model, size);
    const rows = [1, 8, 32].map((batch) => {
      const torch = ips(arch, 'pytorch', batch) ?? Number.NaN;
      const int8 = ips(arch, 'ort-int8', batch) ?? Number.NaN;
      const gops = (imagesPerSecond: number) => (imagesPerSecond * 2 * macs) / 1e9;
      const share = (g: number) => (peakInt8Gops ? round(g / peakInt8Gops, 2) : null);
      // batch 1 runs on one session with every thread; larger batches as one 1-thread worker per
      // thread (runOptionsFor('exact', threads))
      const chainMs =
        (values * (batch === 1 ? chainNs.allThreads : chainNs.oneThread / threads)) / 1e6;
      return {
        batch,
        pytorchImagesPerSecond: torch,
        fastNeedsGops: round(gops(6 * torch), 0),
        fastNeedsShareOfInt8Peak: share(gops(6 * torch)),
        int8ImagesPerSecond: int8,
        int8ShareOfInt8Peak: share(gops(int8)),
        exactBudgetMsPerImage: round(1000 / (1.5 * torch), 1),
        requantChainMsPerImage: round(chainMs, 1),
        exactImagesPerSecond: ips(arch, 'ort-exact', batch) ?? null,
      };
    });
    console.error(
      `${arch}: ${round(macs / 1e9, 2)} G MACs, ${round(values / 1e6, 1)} M requantized values per image; ${rows
        .map(
          (r) =>
            `b${r.batch}: fast 6× needs ${r.fastNeedsShareOfInt8Peak} of the int8 peak (int8 runs at ${r.int8ShareOfInt8Peak}), exact 1.5× needs ≤ ${r.exactBudgetMsPerImage} ms per image (the chain alone: ${r.requantChainMsPerImage} ms)`,
        )
        .join('; ')}`,
    );
    return { arch, macsPerImage: macs, requantizedValuesPerImage: values, batches: rows };
  });
}
