// A quantized case, both ways: (1) load each checkpoint and evaluate; (2) rebuild from the
// checkpoint's float parameters, calibrate from scratch, and evaluate.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadTorch, stateDictOf, type Tensor } from '@hawq-ts/checkpoint';
import type { Values } from '@hawq-ts/core';
import {
  type BuildOptions,
  exportStateDict,
  floatStateDictOfHawq,
  type QResNet,
  qResNetFromFloatStateDict,
  qResNetFromHawqStateDict,
} from '@hawq-ts/models';
import { TraceCollector } from './collector.js';
import { CheckList } from './compare.js';
import { GoldenCaseError } from './errors.js';
import { compareEval, type EvalReference } from './eval-compare.js';
import { bitConfigOf, type CaseManifest, fileEntry, flagsOf, requireField } from './manifest.js';
import { readRaw } from './raw.js';
import { parseJsonExact } from './stats.js';

type Rec = Record<string, unknown>;

async function readJson(dir: string, file: string): Promise<unknown | undefined> {
  try {
    return parseJsonExact(await readFile(join(dir, file), 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new GoldenCaseError(`${join(dir, file)}: ${(err as Error).message}`);
  }
}

async function optionalRaw(dir: string, m: CaseManifest, file: string) {
  const e = fileEntry(m, file);
  if (!e?.dtype || !e.shape) return undefined;
  return readRaw(dir, file, e.dtype, e.shape);
}

async function evalReference(dir: string, m: CaseManifest): Promise<EvalReference> {
  const trace = (await readJson(dir, 'eval_trace.json')) as EvalReference['trace'] | undefined;
  const requant = (await readJson(dir, 'requant_params.json')) as
    | EvalReference['requant']
    | undefined;
  if (!trace || !requant)
    throw new GoldenCaseError(`${dir}: eval_trace.json and requant_params.json are required`);
  const fullInts: EvalReference['fullInts'] = [];
  for (const f of m.files ?? []) {
    const match = /^int_(.+)\.(out_int|acc_int|acc_identity_int|acc_body_int)\.i(8|16|32)$/.exec(
      f.file,
    );
    if (match && f.dtype && f.shape) {
      fullInts.push({
        module: match[1]!,
        field: match[2]!,
        file: f.file,
        values: await readRaw(dir, f.file, f.dtype, f.shape),
      });
    }
  }
  const ref: EvalReference = { trace, requant, fullInts };
  const logits = await optionalRaw(dir, m, 'logits.f32');
  const logitsInt = await optionalRaw(dir, m, 'logits_int.i32');
  const logitsScale = await optionalRaw(dir, m, 'logits_scale.f32');
  const argmax = await optionalRaw(dir, m, 'argmax.i64');
  if (logits) ref.logits = logits;
  if (logitsInt) ref.logitsInt = logitsInt;
  if (logitsScale) ref.logitsScale = logitsScale;
  if (argmax) ref.argmax = argmax;
  return ref;
}

/** The state_dict we would save must equal the reference checkpoint tensor for tensor. */
function compareStateDict(
  list: CheckList,
  ours: Map<string, Tensor>,
  ref: Map<string, Tensor>,
): void {
  for (const [k, r] of ref) {
    const o = ours.get(k);
    if (!o) {
      list.add(`state_dict/${k}`, 'DIFFERENT', 'not produced');
      continue;
    }
    if (o.shape.join(',') !== r.shape.join(',')) {
      list.add(`state_dict/${k}`, 'DIFFERENT', `shape [${o.shape}] vs [${r.shape}]`);
      continue;
    }
    list.exactArray(`state_dict/${k}`, o.toFloat64(), r.toFloat64());
  }
  for (const k of ours.keys())
    if (!ref.has(k)) list.add(`state_dict/${k}`, 'DIFFERENT', 'extra key');
}

async function inputs(dir: string, m: CaseManifest) {
  const inp = requireField(m.inputs, 'inputs', dir);
  const evalShape = requireField(inp.eval_shape, 'inputs.eval_shape', dir);
  const evalData = (await readRaw(
    dir,
    requireField(inp.eval_input, 'inputs.eval_input', dir),
    'float32',
    evalShape,
  )) as Float32Array;
  const calibShape = requireField(inp.calib_shape, 'inputs.calib_shape', dir);
  const calibData = (await readRaw(
    dir,
    requireField(inp.calib_input, 'inputs.calib_input', dir),
    'float32',
    calibShape,
  )) as Float32Array;
  const [nb, ...batchShape] = calibShape as [number, ...number[]];
  const per = calibData.length / nb;
  const batches: Values[] = [];
  for (let b = 0; b < nb; b++)
    batches.push({ shape: batchShape, data: calibData.subarray(b * per, (b + 1) * per) });
  return { evalInput: { shape: evalShape, data: evalData } as Values, batches };
}

function compareCalibration(
  list: CheckList,
  model: QResNet,
  batches: Values[],
  dir: string,
  ref: Rec | undefined,
  scales: Rec | undefined,
  order: string[] | undefined,
  scalesF32: Float32Array | undefined,
) {
  const perBatch: TraceCollector[] = [];
  model.unfreeze();
  for (const b of batches) {
    const c = new TraceCollector();
    model.forwardExact(b, { tracer: c });
    perBatch.push(c);
  }
  if (!ref) list.add('calib_trace', 'DIFFERENT', `${dir}/calib_trace.json missing`);
  else {
    for (const [name, entries] of Object.entries(ref)) {
      (entries as Rec[]).forEach((r, b) => {
        const t = perBatch[b]?.acts().find((a) => a.module === name);
        const n = `calib_trace/${name}[${b}]`;
        if (!t) {
          list.add(n, 'DIFFERENT', 'not produced', name);
          return;
        }
        list.exactValue(`${n}.batch_min`, t.batchMin, r['batch_min'], name);
        list.exactValue(`${n}.batch_max`, t.batchMax, r['batch_max'], name);
        list.exactValue(`${n}.x_min`, t.xMin, r['x_min_after'], name);
        list.exactValue(`${n}.x_max`, t.xMax, r['x_max_after'], name);
        list.exactValue(
          `${n}.act_scaling_factor`,
          t.actScalingFactor,
          r['act_scaling_factor_after'],
          name,
        );
      });
    }
  }
  const acts = new Map(model.activationQuantizers().map((a) => [a.name, a]));
  for (const [name, r] of Object.entries(scales ?? {})) {
    const a = acts.get(name);
    const rr = r as Rec;
    if (!a) {
      list.add(`act_scaling_factors/${name}`, 'DIFFERENT', 'no such module', name);
      continue;
    }
    list.exactValue(`act_scaling_factors/${name}.bits`, a.activationBit, rr['bits'], name);
    list.exactValue(`act_scaling_factors/${name}.quant_mode`, a.quantMode, rr['quant_mode'], name);
    list.exactValue(`act_scaling_factors/${name}.x_min`, a.xMin, rr['x_min'], name);
    list.exactValue(`act_scaling_factors/${name}.x_max`, a.xMax, rr['x_max'], name);
    list.exactValue(
      `act_scaling_factors/${name}.act_scaling_factor`,
      a.actScalingFactor,
      rr['act_scaling_factor'],
      name,
    );
  }
  if (order && scalesF32) {
    list.exactArray(
      'act_scaling_factors.f32',
      order.map((n) => acts.get(n)?.actScalingFactor ?? Number.NaN),
      scalesF32,
    );
  }
}

export async function checkQuantizedCase(
  dir: string,
  m: CaseManifest,
  log: (s: string) => void,
): Promise<CheckList[]> {
  const opts: BuildOptions = {
    bitConfig: bitConfigOf(m, dir),
    flags: flagsOf(m),
    ...(m.float_model?.conv1_stride !== undefined
      ? { conv1Stride: m.float_model.conv1_stride }
      : {}),
    source: dir,
  };
  const { evalInput, batches } = await inputs(dir, m);
  const ref = await evalReference(dir, m);
  const ckpts = (m.files ?? []).map((f) => f.file).filter((f) => /\.pth(\.tar)?$/.test(f));
  if (ckpts.length === 0)
    throw new GoldenCaseError(`${dir}: the manifest lists no checkpoint (.pth/.pth.tar)`);
  const lists: CheckList[] = [];
  let mainSd: Map<string, Tensor> | undefined;
  for (const file of ckpts) {
    log(`${dir}: loading ${file} and evaluating`);
    const sd = stateDictOf(await loadTorch(join(dir, file)), file);
    mainSd ??= sd;
    const list = new CheckList(file);
    const model = qResNetFromHawqStateDict(sd, { ...opts, source: join(dir, file) });
    const trace = new TraceCollector();
    const out = model.evaluateExact(evalInput, { tracer: trace });
    compareEval(list, out, trace, ref);
    compareStateDict(list, exportStateDict(model), sd);
    lists.push(list);
  }
  log(`${dir}: rebuilding from float parameters and calibrating`);
  const list = new CheckList('calibrate');
  const model = qResNetFromFloatStateDict(floatStateDictOfHawq(mainSd!), opts);
  model.resetActivationRanges();
  const asf = fileEntry(m, 'act_scaling_factors.f32');
  const scalesF32 = asf?.shape
    ? ((await readRaw(dir, asf.file, 'float32', asf.shape)) as Float32Array)
    : undefined;
  compareCalibration(
    list,
    model,
    batches,
    dir,
    (await readJson(dir, 'calib_trace.json')) as Rec | undefined,
    (await readJson(dir, 'act_scaling_factors.json')) as Rec | undefined,
    asf?.act_scaling_factor_order,
    scalesF32,
  );
  const trace = new TraceCollector();
  const out = model.evaluateExact(evalInput, { tracer: trace });
  compareEval(list, out, trace, ref);
  compareStateDict(list, exportStateDict(model), mainSd!);
  lists.push(list);
  return lists;
}
