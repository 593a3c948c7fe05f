// `pnpm bench deploy-profile [--threads N]`: the evidence behind @hawq-ts/deploy's runner policy and
// its README's account of where the time goes, next to `pnpm bench deploy`'s throughput figures:
// - gemm: the u8×s8 GEMM rate ORT's MatMulInteger reaches on this CPU (2048³; float MatMul beside
//   it), MLAS's best case;
// - ops: ORT's own profile (kernel time per op type, and the slowest nodes) of the `exact` and `int8`
//   graphs of ResNet18/ResNet50 at batch 1;
// - concurrency: `exact` ResNet18 batch 8 as one 2-thread session, as two in-process 1-thread
//   sessions (onnxruntime-node runs one JS thread's session.run calls one after another) and as
//   OrtRunner's two worker-thread sessions;
// - peak, requantChainNsPerValue, ceilings: what this CPU allows the engines at most (_ceilings.ts);
// - spinning: three sessions run round-robin in one process with ORT's thread-pool spinning on
//   and off (why `pnpm bench deploy` times each graph in its own process).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  exportDequantizedFloatOnnx,
  exportIntegerOnnx,
  type IntegerModel,
  integerModelFromHawq,
  OrtRunner,
  RESNET18,
  RESNET50,
  runOptionsFor,
  syntheticHawqResNet,
} from '@hawq-ts/deploy';
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { ceilings, measurePeaks, requantChainNs, tensorInfo } from './_ceilings.js';
import { median, medianRunMs, randomImages } from './_timing.js';
import { machineInfo, resultsPath, round } from './util.js';

const SIZE = 224;

function sessionOptions(threads: number, spinning = true): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    ...(spinning ? {} : { extra: { session: { 'intra_op.allow_spinning': '0' } } }),
  };
}

function feedOf(
  s: ort.InferenceSession,
  x: Float32Array,
  n: number,
): ort.InferenceSession.FeedsType {
  return { [s.inputNames[0] as string]: new ort.Tensor('float32', x, [n, 3, SIZE, SIZE]) };
}

/** [M,K] × [K,N] as one MatMulInteger (u8 × s8 weights) or MatMul (float32) node. */
function gemmModel(kind: 'int8' | 'float', m: number, k: number, n: number): Uint8Array {
  const { onnx } = onnxProto;
  const DT = onnx.TensorProto.DataType;
  const int8 = kind === 'int8';
  const w = int8
    ? {
        rawData: new Uint8Array(
          Int8Array.from({ length: k * n }, (_, i) => (i % 255) - 127).buffer,
        ),
      }
    : { floatData: Array.from({ length: k * n }, (_, i) => (i % 7) - 3) };
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'gemm',
      node: [{ opType: int8 ? 'MatMulInteger' : 'MatMul', input: ['a', 'w'], output: ['y'] }],
      initializer: [{ name: 'w', dims: [k, n], dataType: int8 ? DT.INT8 : DT.FLOAT, ...w }],
      input: [tensorInfo('a', int8 ? DT.UINT8 : DT.FLOAT, [m, k])],
      output: [tensorInfo('y', int8 ? DT.INT32 : DT.FLOAT, [m, n])],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

async function gemmRates(threadCounts: number[]) {
  const [m, k, n] = [2048, 2048, 2048];
  const out = [];
  for (const kind of ['int8', 'float'] as const) {
    for (const threads of threadCounts) {
      const s = await ort.InferenceSession.create(
        gemmModel(kind, m, k, n),
        sessionOptions(threads),
      );
      const a =
        kind === 'int8'
          ? new ort.Tensor('uint8', new Uint8Array(m * k).fill(3), [m, k])
          : new ort.Tensor('float32', new Float32Array(m * k).fill(1), [m, k]);
      const ms = await medianRunMs(() => s.run({ a }), 2, 9);
      await s.release();
      const row = { kind, threads, ms: round(ms, 2), gops: round((2 * m * k * n) / ms / 1e6, 0) };
      console.error(`gemm ${kind} ${threads} thread(s): ${row.gops} G ops/s (${row.ms} ms)`);
      out.push(row);
    }
  }
  return out;
}

/** ORT's profile of `runs` batch-1 runs: kernel time per op type and the slowest nodes. */
async function opProfile(file: string, threads: number, runs = 8) {
  const dir = mkdtempSync(join(tmpdir(), 'hawq-ort-profile-'));
  try {
    const s = await ort.InferenceSession.create(file, {
      ...sessionOptions(threads),
      enableProfiling: true,
      profileFilePrefix: join(dir, 'p'),
    });
    const x = randomImages(1, 7, SIZE);
    for (let i = 0; i < runs; i++) await s.run(feedOf(s, x, 1));
    s.endProfiling();
    await s.release();
    const name = readdirSync(dir).find((f) => f.endsWith('.json'));
    if (!name) throw new Error(`onnxruntime wrote no profile into ${dir}`);
    interface Event {
      cat: string;
      name: string;
      dur: number;
      args?: { op_name?: string };
    }
    const events = JSON.parse(readFileSync(join(dir, name), 'utf8')) as Event[];
    const byOp = new Map<string, number>();
    const byNode = new Map<string, { op: string; us: number }>();
    let total = 0;
    for (const e of events) {
      if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time')) continue;
      const op = e.args?.op_name ?? '?';
      byOp.set(op, (byOp.get(op) ?? 0) + e.dur);
      const node = e.name.slice(0, -'_kernel_time'.length);
      const prev = byNode.get(node) ?? { op, us: 0 };
      byNode.set(node, { op, us: prev.us + e.dur });
      total += e.dur;
    }
    return {
      kernelMsPerRun: round(total / runs / 1000, 2),
      opTypes: [...byOp]
        .sort((a, b) => b[1] - a[1])
        .map(([op, us]) => ({
          op,
          msPerRun: round(us / runs / 1000, 3),
          share: round(us / total, 3),
        })),
      slowestNodes: [...byNode]
        .sort((a, b) => b[1].us - a[1].us)
        .slice(0, 5)
        .map(([node, v]) => ({ node, op: v.op, msPerRun: round(v.us / runs / 1000, 3) })),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function imagesPerSecond(runBatch: () => Promise<unknown>, n: number, reps = 7) {
  return round((n * 1000) / (await medianRunMs(runBatch, 2, reps)), 1);
}

/** `exact` ResNet18, batch 8 in chunks of 1: the three ways of using two cores. */
async function concurrency(file: string) {
  const n = 8;
  const x = randomImages(n, 3, SIZE);
  const per = 3 * SIZE * SIZE;
  const inProcess = async (sessions: ort.InferenceSession[]) => {
    let next = 0;
    await Promise.all(
      sessions.map(async (s) => {
        while (next < n) {
          const i = next++;
          await s.run(feedOf(s, x.subarray(i * per, (i + 1) * per), 1));
        }
      }),
    );
  };
  const one = [await ort.InferenceSession.create(file, sessionOptions(2))];
  const oneSession2Threads = await imagesPerSecond(() => inProcess(one), n);
  await one[0]?.release();
  const two = [
    await ort.InferenceSession.create(file, sessionOptions(1)),
    await ort.InferenceSession.create(file, sessionOptions(1)),
  ];
  const twoInProcess1Thread = await imagesPerSecond(() => inProcess(two), n);
  for (const s of two) await s.release();
  const runner = await OrtRunner.create(file, runOptionsFor('exact', 2));
  const twoWorkers1Thread = await imagesPerSecond(() => runner.run(x, [n, 3, SIZE, SIZE]), n);
  await runner.dispose();
  const row = { batch: n, oneSession2Threads, twoInProcess1Thread, twoWorkers1Thread };
  console.error(
    `concurrency (exact resnet18, batch 8, img/s): one 2-thread session ${oneSession2Threads}, two in-process 1-thread sessions ${twoInProcess1Thread}, two worker threads ${twoWorkers1Thread}`,
  );
  return row;
}

/** Three 2-thread sessions round-robin at batch 1, median ms per run, spinning on and off. */
async function spinning(files: Record<string, string>) {
  const out: Record<string, Record<string, number>> = {};
  const x = randomImages(1, 5, SIZE);
  for (const [label, spin] of [
    ['spinning', true],
    ['no spinning', false],
  ] as const) {
    const sessions: Array<[string, ort.InferenceSession]> = [];
    for (const [name, file] of Object.entries(files))
      sessions.push([name, await ort.InferenceSession.create(file, sessionOptions(2, spin))]);
    const times = new Map<string, number[]>(sessions.map(([n]) => [n, []]));
    for (let round = 0; round < 14; round++) {
      for (const [name, s] of sessions) {
        const t = performance.now();
        await s.run(feedOf(s, x, 1));
        if (round >= 2) times.get(name)?.push(performance.now() - t);
      }
    }
    for (const [, s] of sessions) await s.release();
    out[label] = Object.fromEntries([...times].map(([n, ts]) => [n, round(median(ts), 2)]));
  }
  for (const [name, file] of Object.entries(files)) {
    const s = await ort.InferenceSession.create(file, sessionOptions(2));
    const ms = 1000 / (await imagesPerSecond(() => s.run(feedOf(s, x, 1)), 1, 12));
    await s.release();
    out.alone = { ...(out.alone ?? {}), [name]: round(ms, 2) };
  }
  console.error(`round-robin batch 1, ms per run: ${JSON.stringify(out)}`);
  return out;
}

export async function run(args: string[]): Promise<void> {
  const threadsAt = args.indexOf('--threads');
  const threads = threadsAt >= 0 ? Number(args[threadsAt + 1]) : 2;
  if (!Number.isInteger(threads) || threads < 1)
    throw new Error(`--threads needs a positive integer, got '${args[threadsAt + 1]}'`);
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'hawq-bench-deploy-profile-'));
  try {
    const gemm = await gemmRates([1, threads]);
    const peak = measurePeaks([1, threads]);
    const chainNs = {
      oneThread: await requantChainNs(1),
      allThreads: await requantChainNs(threads),
    };
    const models: Record<string, IntegerModel> = {};
    const files: Record<string, string> = {};
    for (const [arch, spec] of [
      ['resnet18', RESNET18],
      ['resnet50', RESNET50],
    ] as const) {
      const syn = syntheticHawqResNet({ ...spec, bits: 8, inputSize: SIZE, seed: 1 });
      const model = integerModelFromHawq(syn.stateDict, { arch, source: `synthetic ${arch}` });
      models[arch] = model;
      for (const engine of ['exact', 'int8'] as const) {
        files[`${arch}/${engine}`] = join(dir, `${arch}.${engine}.onnx`);
        writeFileSync(files[`${arch}/${engine}`] as string, exportIntegerOnnx(model, { engine }));
      }
      if (arch === 'resnet18') {
        files[`${arch}/float`] = join(dir, `${arch}.float.onnx`);
        writeFileSync(files[`${arch}/float`] as string, exportDequantizedFloatOnnx(model));
      }
    }
    const ops: Record<string, Awaited<ReturnType<typeof opProfile>>> = {};
    for (const key of ['resnet18/exact', 'resnet18/int8', 'resnet50/exact', 'resnet50/int8']) {
      ops[key] = await opProfile(files[key] as string, threads);
      const top = ops[key].opTypes
        .slice(0, 6)
        .map((o) => `${o.op} ${(100 * o.share).toFixed(0)}%`)
        .join(', ');
      console.error(
        `${key} batch 1, ${threads} threads: ${ops[key].kernelMsPerRun} ms of kernels per run; ${top}`,
      );
    }
    const conc = await concurrency(files['resnet18/exact'] as string);
    const spin = await spinning({
      float: files['resnet18/float'] as string,
      exact: files['resnet18/exact'] as string,
      int8: files['resnet18/int8'] as string,
    });
    const peakInt8 = Array.isArray(peak)
      ? peak.find((r) => r.kind === 'int8' && r.threads === threads)?.gops
      : undefined;
    const limits = ceilings(models, SIZE, peakInt8, chainNs, threads);
    const out = {
      command: `pnpm bench deploy-profile ${args.join(' ')}`.trim(),
      date: new Date().toISOString(),
      machine: machineInfo(),
      settings: { inputSize: SIZE, threads, models: 'synthetic HAWQ uniform8, 1000 classes' },
      gemm,
      peak,
      requantChainNsPerValue: {
        oneThread: round(chainNs.oneThread, 2),
        [`threads${threads}`]: round(chainNs.allThreads, 2),
      },
      ceilings: limits,
      ops,
      concurrency: conc,
      roundRobinMsPerRun: spin,
      totalSeconds: round((Date.now() - started) / 1000, 1),
    };
    const file = resultsPath('deploy-profile');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
    console.error(`wrote ${file}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
