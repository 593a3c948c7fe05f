// Checker for the golden "qat" cases (golden/README.md "One-step QAT case"): take HAWQ's one QAT
// step with this trainer and compare every output with the README's tolerances. Everything is
// read from the case's manifest.json, so any case in that format works.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  loadTorch,
  type PyValue,
  readHawqCheckpoint,
  stateDictOf,
  type Tensor,
} from '@hawq-ts/checkpoint';
import { exportStateDict, type QModel, trainableVariables } from '@hawq-ts/models';
import { qModelFromHawqStateDict } from './build.js';
import { checkpointDict } from './checkpoint.js';
import { TrainerError } from './errors.js';
import { evaluateExact } from './forward.js';
import { Sgd } from './sgd.js';
import { trainStep } from './step.js';

export type QatTolerance =
  | 'exact'
  | 'relative-1e-6'
  | 'tensor-max-1e-5'
  | 'int-flips'
  | 'logits-after-step';

export interface QatCheckResult {
  /** what was compared, e.g. 'grads/module.quant_output.weight' */
  name: string;
  tolerance: QatTolerance;
  ok: boolean;
  /** max |a − b| */
  maxAbsDiff: number;
  /** the bound the tolerance allows for this tensor */
  bound: number;
  detail?: string;
}

interface RawFile {
  file: string;
  shape: number[];
  index?: number;
}

interface QatManifest {
  kind: string;
  start_checkpoint: string;
  bit_config: Record<string, number>;
  effective_module_config: Record<string, Record<string, unknown>>;
  qat_batch: RawFile;
  labels: RawFile;
  eval_input: RawFile;
  eval_labels?: RawFile;
  sgd: { lr: number; momentum: number; weight_decay: number; dampening: number; nesterov: boolean };
  files: { file: string; omitted_keys?: { source: string; path: string; keys: string[] }[] }[];
}

function bytes(file: string): ArrayBuffer {
  const b = readFileSync(file);
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

function rawF32(dir: string, r: RawFile): { data: Float32Array; shape: number[] } {
  const all = new Float32Array(bytes(join(dir, r.file)));
  if (r.index === undefined) return { data: all, shape: r.shape };
  const shape = r.shape.slice(1);
  const per = shape.reduce((a, b) => a * b, 1);
  return { data: all.slice(r.index * per, (r.index + 1) * per), shape };
}

function rawI64(file: string): number[] {
  return Array.from(new BigInt64Array(bytes(file)), Number);
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Compare under one of the README's tolerances. */
function compare(
  name: string,
  ours: ArrayLike<number>,
  ref: ArrayLike<number>,
  tolerance: QatTolerance,
): QatCheckResult {
  const d = maxDiff(ours, ref);
  const m = maxAbs(ref);
  if (tolerance === 'int-flips') {
    // every difference exactly ±1 and at most ~0.01 % of the elements
    let flips = 0;
    let bad = 0;
    for (let i = 0; i < ref.length; i++) {
      const e = Math.abs(ours[i]! - ref[i]!);
      if (e === 1) flips++;
      else if (e !== 0) bad++;
    }
    const allowed = Math.max(1, Math.ceil(ref.length * 1e-4));
    return {
      name,
      tolerance,
      ok: ours.length === ref.length && bad === 0 && flips <= allowed,
      maxAbsDiff: d,
      bound: 1,
      detail: `${flips} ±1 flips of ${ref.length} (allowed ${allowed})`,
    };
  }
  const bound =
    tolerance === 'exact'
      ? 0
      : tolerance === 'relative-1e-6'
        ? 1e-6 * m
        : tolerance === 'tensor-max-1e-5'
          ? 1e-5 * m
          : 1e-2 * m;
  return { name, tolerance, ok: d <= bound, maxAbsDiff: d, bound };
}

const FLOAT_PARAM =
  /(conv\.weight|conv\.bias|bn\.weight|bn\.bias|quant_output\.weight|quant_output\.bias)$/;

/** Tolerance of a state_dict key: float parameters 1e-5·max, post-step integers ±1 flips, rest exact. */
function keyTolerance(key: string, postStep: boolean): QatTolerance {
  if (FLOAT_PARAM.test(key)) return 'tensor-max-1e-5';
  if (postStep && /(weight_integer|bias_integer)$/.test(key)) return 'int-flips';
  // post-step weight scales come from the updated weights: as close as the weights themselves
  if (postStep && /(convbn_scaling_factor|fc_scaling_factor)$/.test(key)) return 'tensor-max-1e-5';
  return 'exact';
}

function compareStateDicts(
  prefix: string,
  ours: ReadonlyMap<string, Tensor>,
  ref: ReadonlyMap<string, Tensor>,
  postStep: boolean,
): QatCheckResult[] {
  const out: QatCheckResult[] = [];
  for (const [k, t] of ref) {
    const o = ours.get(k);
    if (!o) {
      out.push({
        name: `${prefix}/${k}`,
        tolerance: 'exact',
        ok: false,
        maxAbsDiff: Number.NaN,
        bound: 0,
        detail: 'missing in ours',
      });
      continue;
    }
    out.push(compare(`${prefix}/${k}`, o.toFloat64(), t.toFloat64(), keyTolerance(k, postStep)));
  }
  return out;
}

/** The full state_dict_after_step: stored keys, plus omitted keys rebuilt from their sources. */
async function rebuildAfterStep(dir: string, m: QatManifest): Promise<Map<string, Tensor>> {
  const entry = m.files.find((f) => f.file === 'state_dict_after_step.pth');
  if (!entry) throw new TrainerError(`${dir}/manifest.json: no state_dict_after_step.pth entry`);
  const stored = stateDictOf(await loadTorch(join(dir, entry.file)));
  const full = new Map<string, Tensor>();
  const ckpt = stateDictOf(await loadTorch(join(dir, 'checkpoint.pth.tar')));
  const sources = new Map<string, Map<string, Tensor>>();
  for (const o of entry.omitted_keys ?? []) {
    if (!sources.has(o.source)) {
      const v = (await loadTorch(join(dir, o.source))) as Map<string, PyValue>;
      sources.set(o.source, stateDictOf(o.path === 'state_dict' ? v : (v.get(o.path) ?? v)));
    }
    for (const k of o.keys) full.set(k, sources.get(o.source)!.get(k)!);
  }
  for (const [k, t] of stored) full.set(k, t);
  // key order of checkpoint.pth.tar's state_dict
  return new Map([...ckpt.keys()].filter((k) => full.has(k)).map((k) => [k, full.get(k)!]));
}

function flagsOf(m: QatManifest) {
  const cfg = Object.values(m.effective_module_config);
  const act = cfg.find((c) => c['kind'] === 'QuantAct');
  const conv = cfg.find((c) => c['kind'] === 'QuantBnConv2d');
  return {
    actRangeMomentum: (act?.['act_range_momentum'] as number | undefined) ?? -1,
    channelWise: (conv?.['per_channel'] as boolean | undefined) ?? true,
    biasBit: (conv?.['bias_bits'] as number | undefined) ?? 32,
    // the QAT cases follow the README/zoo command: --fix-BN
    fixBN: true,
  };
}

/** Run the one-step QAT case in `caseDir` and compare everything; `ok` is the conjunction. */
export async function checkQatCase(
  caseDir: string,
): Promise<{ ok: boolean; results: QatCheckResult[] }> {
  const m = JSON.parse(readFileSync(join(caseDir, 'manifest.json'), 'utf8')) as QatManifest;
  if (m.kind !== 'qat')
    throw new TrainerError(`${caseDir}: manifest kind is '${m.kind}', not 'qat'`);
  const startFile = join(caseDir, m.start_checkpoint);
  const start = readHawqCheckpoint(await loadTorch(startFile), startFile);
  const model: QModel = qModelFromHawqStateDict(start.stateDict, {
    bitConfig: new Map(Object.entries(m.bit_config)),
    flags: flagsOf(m),
    source: startFile,
  });
  const results: QatCheckResult[] = [];
  const opt = new Sgd(trainableVariables(model), {
    lr: m.sgd.lr,
    momentum: m.sgd.momentum,
    weightDecay: m.sgd.weight_decay,
  });
  const x = rawF32(caseDir, m.qat_batch);
  const labels = rawI64(join(caseDir, m.labels.file));
  const step = trainStep(model, opt, {
    images: x.data,
    labels,
    shape: x.shape as [number, number, number, number],
  });

  // 1. training forward, loss, gradients
  const refLogits = new Float32Array(bytes(join(caseDir, 'train_logits.f32')));
  results.push(compare('train_logits', step.logits, refLogits, 'relative-1e-6'));
  const refLoss = new Float32Array(bytes(join(caseDir, 'loss.f32')));
  results.push(compare('loss', [step.loss], refLoss, 'relative-1e-6'));
  const refGrads = stateDictOf(await loadTorch(join(caseDir, 'grads.pth')));
  const gradNames = [...refGrads.keys()];
  if (gradNames.length !== step.grads.length) {
    throw new TrainerError(
      `${caseDir}: grads.pth has ${gradNames.length} parameters, the model ${step.grads.length}`,
    );
  }
  gradNames.forEach((k, i) => {
    results.push(
      compare(`grads/${k}`, step.grads[i]!, refGrads.get(k)!.toFloat32(), 'tensor-max-1e-5'),
    );
  });

  // 2. the state right after the step (before validate)
  const after = await rebuildAfterStep(caseDir, m);
  results.push(...compareStateDicts('state_dict_after_step', exportStateDict(model), after, false));

  // 3. validate(): frozen exact forward of the eval input
  const ev = rawF32(caseDir, m.eval_input);
  const out = evaluateExact(model, { shape: ev.shape, data: ev.data });
  const refAfter = new Float32Array(bytes(join(caseDir, 'logits_after_step.f32')));
  results.push(compare('logits_after_step', out.logits.data, refAfter, 'logits-after-step'));
  const evalLabelsFile = m.eval_labels
    ? join(caseDir, m.eval_labels.file)
    : join(dirname(join(caseDir, m.eval_input.file)), 'eval_labels.i64');
  const evalLabels = rawI64(evalLabelsFile);
  const classes = refAfter.length / evalLabels.length;
  const acc = (logits: ArrayLike<number>) => {
    let hit = 0;
    evalLabels.forEach((l, i) => {
      let best = 0;
      for (let c = 1; c < classes; c++)
        if (logits[i * classes + c]! > logits[i * classes + best]!) best = c;
      if (best === l) hit++;
    });
    return Math.fround((hit * 100) / evalLabels.length);
  };

  // 4. the checkpoint dict
  const ours = readHawqCheckpoint(
    checkpointDict(model, opt, { epoch: 1, arch: start.arch, bestAcc1: acc(out.logits.data) }),
  );
  const ref = readHawqCheckpoint(await loadTorch(join(caseDir, 'checkpoint.pth.tar')));
  results.push(...compareStateDicts('checkpoint/state_dict', ours.stateDict, ref.stateDict, true));
  for (const [i, s] of ref.optimizer.state) {
    const a = ours.optimizer.state.get(i)?.get('momentum_buffer');
    const b = s.get('momentum_buffer')!;
    results.push(
      a
        ? compare(
            `checkpoint/optimizer/state/${i}/momentum_buffer`,
            a.toFloat32(),
            b.toFloat32(),
            'tensor-max-1e-5',
          )
        : {
            name: `checkpoint/optimizer/state/${i}`,
            tolerance: 'exact',
            ok: false,
            maxAbsDiff: Number.NaN,
            bound: 0,
            detail: 'missing in ours',
          },
    );
  }
  const scalars: [string, unknown, unknown][] = [
    ['epoch', ours.epoch, ref.epoch],
    ['arch', ours.arch, ref.arch],
    ['best_acc1', ours.bestAcc1, ref.bestAcc1],
    [
      'param_groups',
      JSON.stringify(ours.optimizer.paramGroups),
      JSON.stringify(ref.optimizer.paramGroups),
    ],
  ];
  for (const [name, a, b] of scalars) {
    results.push({
      name: `checkpoint/${name}`,
      tolerance: 'exact',
      ok: a === b,
      maxAbsDiff: a === b ? 0 : Number.NaN,
      bound: 0,
      ...(a === b ? {} : { detail: `${String(a)} vs ${String(b)}` }),
    });
  }

  // 5. strict: HAWQ's own post-step checkpoint must reproduce the post-step logits bit for bit
  const theirs = qModelFromHawqStateDict(ref.stateDict, {
    bitConfig: new Map(Object.entries(m.bit_config)),
    flags: flagsOf(m),
  });
  const strict = evaluateExact(theirs, { shape: ev.shape, data: ev.data });
  results.push(
    compare('logits_after_step (from HAWQ checkpoint)', strict.logits.data, refAfter, 'exact'),
  );
  return { ok: results.every((r) => r.ok), results };
}
