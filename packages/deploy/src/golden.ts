// Golden verification on onnxruntime: export a /work/shared/golden case with the chosen engine, run
// its eval input and compare with HAWQ's files (golden/README.md "Expected agreement").
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { MalformedModelError } from './errors.js';
import { loadIntegerModel, loadStateDict } from './load.js';
import { exportFloatOnnx } from './onnx/export-float.js';
import { type Engine, exportIntegerOnnx } from './onnx/export-int.js';
import { runOnnx } from './runner.js';

export interface GoldenCheck {
  name: string;
  pass: boolean;
  detail: string;
}

export interface GoldenReport {
  caseDir: string;
  kind: 'quantized' | 'float';
  engine: Engine | 'float';
  pass: boolean;
  checks: GoldenCheck[];
  /** Integer logits that differ from HAWQ's (quantized cases). */
  logitsIntMismatches?: number;
  /** max |Δ logits_int| relative to max |HAWQ logits_int| (quantized cases). */
  logitsIntMaxRelDelta?: number;
  /** Images whose argmax differs from HAWQ's. */
  argmaxMismatches: number;
}

interface Manifest {
  kind: string;
  inputs: { eval_input: string; eval_shape: number[] };
}

async function raw(file: string): Promise<Uint8Array> {
  const b = await readFile(file);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}
const asF32 = (b: Uint8Array) =>
  new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
const asI32 = (b: Uint8Array) =>
  new Int32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));

function argmaxes(logits: Float32Array, classes: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < logits.length / classes; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++)
      if ((logits[i * classes + c] as number) > (logits[i * classes + best] as number)) best = c;
    out.push(best);
  }
  return out;
}

function countDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.max(a.length, b.length);
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

/** Check one golden case (kind 'quantized' or 'float') on ORT. `engine` applies to quantized cases. */
export async function runGoldenCaseOnOrt(
  caseDir: string,
  opts: { engine?: Engine; intraOpThreads?: number } = {},
): Promise<GoldenReport> {
  const dir = resolve(caseDir);
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Manifest;
  const shape = manifest.inputs.eval_shape;
  const input = asF32(await raw(join(dir, manifest.inputs.eval_input)));
  const goldLogits = asF32(await raw(join(dir, 'logits.f32')));
  const classes = goldLogits.length / (shape[0] as number);
  const checks: GoldenCheck[] = [];
  const runOpts = opts.intraOpThreads ? { intraOpThreads: opts.intraOpThreads } : {};
  if (manifest.kind === 'float') {
    const { stateDict, arch } = await loadStateDict(join(dir, 'model.pth'));
    const res = await runOnnx(
      exportFloatOnnx(stateDict, { source: dir, ...(arch ? { arch } : {}) }),
      input,
      shape,
      runOpts,
    );
    const maxB = goldLogits.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    const err = res.logits.reduce(
      (m, v, i) => Math.max(m, Math.abs(v - (goldLogits[i] as number))),
      0,
    );
    checks.push({
      name: 'logits.f32',
      pass: err <= 1e-4 * maxB,
      detail: `max|a-b| = ${err.toExponential(3)}, bound 1e-4·max|b| = ${(1e-4 * maxB).toExponential(3)}`,
    });
    const am = countDiff(argmaxes(res.logits, classes), argmaxes(goldLogits, classes));
    return {
      caseDir: dir,
      kind: 'float',
      engine: 'float',
      pass: checks.every((c) => c.pass),
      checks,
      argmaxMismatches: am,
    };
  }
  if (manifest.kind !== 'quantized')
    throw new MalformedModelError(
      `${dir}: golden kind '${manifest.kind}' is not checked on ORT (only 'quantized' and 'float')`,
    );
  const engine = opts.engine ?? 'exact';
  const model = await loadIntegerModel(join(dir, 'checkpoint.pth.tar'));
  const extra: Array<[string, string]> = [
    ['int_quant_input.out_int.i8', 'quant_input'],
    ['int_quant_act_int32.acc_int.i32', 'quant_act_int32.acc'],
    ['int_quant_act_int32.out_int.i16', 'quant_act_int32'],
  ];
  const present: Array<[string, string, Uint8Array]> = [];
  for (const [file, tensor] of extra) {
    const bytes = await raw(join(dir, file)).catch(() => undefined);
    if (bytes) present.push([file, tensor, bytes]);
  }
  const intermediates = engine === 'exact' ? present.map(([, t]) => t) : [];
  const res = await runOnnx(
    exportIntegerOnnx(model, { engine, intermediates }),
    input,
    shape,
    runOpts,
  );
  const goldInt = asI32(await raw(join(dir, 'logits_int.i32')));
  const li = res.outputs.get('logits_int') as Int32Array;
  const intMis = countDiff(li, goldInt);
  const maxGold = goldInt.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
  const relDelta =
    li.reduce((m, x, i) => Math.max(m, Math.abs(x - (goldInt[i] as number))), 0) /
    Math.max(1, maxGold);
  checks.push({
    name: 'logits_int.i32',
    pass: intMis === 0,
    detail: `${intMis} of ${goldInt.length} differ`,
  });
  const fMis = countDiff(res.logits, goldLogits);
  checks.push({
    name: 'logits.f32',
    pass: fMis === 0,
    detail: `${fMis} of ${goldLogits.length} differ (exact: integer × float32 scale)`,
  });
  if (engine === 'exact') {
    for (const [file, tensor, bytes] of present) {
      const gold = file.endsWith('.i8')
        ? Int8Array.from(bytes, (b) => (b << 24) >> 24)
        : file.endsWith('.i16')
          ? new Int16Array(
              bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
            )
          : asI32(bytes);
      const mine = res.outputs.get(`int.${tensor}`) as Int32Array;
      const n = countDiff(mine, gold);
      checks.push({ name: file, pass: n === 0, detail: `${n} of ${gold.length} differ` });
    }
  }
  const am = countDiff(argmaxes(res.logits, classes), argmaxes(goldLogits, classes));
  return {
    caseDir: dir,
    kind: 'quantized',
    engine,
    pass: checks.every((c) => c.pass),
    checks,
    logitsIntMismatches: intMis,
    logitsIntMaxRelDelta: relDelta,
    argmaxMismatches: am,
  };
}
