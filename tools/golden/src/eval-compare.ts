// Compare one evaluation pass (trace, requant parameters, logits, full int tensors) with the
// reference files of a quantized case.
import type { ActTrace } from '@hawq-ts/core';
import type { ExactOutput } from '@hawq-ts/models';
import type { TraceCollector } from './collector.js';
import type { CheckList } from './compare.js';
import { type RawArray, toNumbers } from './raw.js';
import { intStats } from './stats.js';

export interface EvalReference {
  trace: { order: string[]; modules: Record<string, Record<string, unknown>> };
  requant: { module: string; new_scale: number[]; m: number[]; e: number[] }[];
  logits?: RawArray;
  logitsInt?: RawArray;
  logitsScale?: RawArray;
  argmax?: RawArray;
  /** full integer tensors: `int_<module>.<out_int|acc_int>.<ext>` */
  fullInts: { module: string; field: string; file: string; values: RawArray }[];
}

type Rec = Record<string, unknown>;

function compareAct(list: CheckList, t: ActTrace, ref: Rec): void {
  const n = `eval_trace/${t.module}`;
  const mod = t.module;
  list.exactValue(`${n}.act_scaling_factor`, t.actScalingFactor, ref['act_scaling_factor'], mod);
  list.exactValue(`${n}.x_min`, t.xMin, ref['x_min'], mod);
  list.exactValue(`${n}.x_max`, t.xMax, ref['x_max'], mod);
  list.exactValue(`${n}.bits`, t.bits, ref['bits'], mod);
  list.exactValue(`${n}.quant_mode`, t.quantMode, ref['quant_mode'], mod);
  list.exactValue(
    `${n}.fixedpoint_case`,
    t.fixedpointCase ?? undefined,
    ref['fixedpoint_case'],
    mod,
  );
  const [lo, hi] =
    t.quantMode === 'symmetric'
      ? [-(2 ** (t.bits - 1)), 2 ** (t.bits - 1) - 1]
      : [0, 2 ** t.bits - 1];
  let atLo = 0;
  let atHi = 0;
  let outside = 0;
  for (const v of t.outInt) {
    if (v === lo) atLo++;
    if (v === hi) atHi++;
    if (v < lo || v > hi) outside++;
  }
  list.exactValue(`${n}.n_at_lower_clamp`, atLo, ref['n_at_lower_clamp'], mod);
  list.exactValue(`${n}.n_at_upper_clamp`, atHi, ref['n_at_upper_clamp'], mod);
  list.exactValue(`${n}.n_outside_bit_range`, outside, ref['n_outside_bit_range'], mod);
  const fields: [string, Float64Array | undefined][] = [
    ['acc_int', t.accInt],
    ['acc_identity_int', t.accIdentityInt],
    ['acc_body_int', t.accBodyInt],
  ];
  for (const [field, arr] of fields) {
    if (arr)
      list.stats(`${n}.${field}`, intStats(arr, t.shape), ref[field] as Rec | undefined, mod);
    else if (ref[field] !== undefined) list.add(`${n}.${field}`, 'DIFFERENT', 'not produced', mod);
  }
  list.stats(`${n}.out_int`, intStats(t.outInt, t.shape), ref['out_int'] as Rec | undefined, mod);
}

export function compareEval(
  list: CheckList,
  out: ExactOutput,
  trace: TraceCollector,
  ref: EvalReference,
): void {
  const ours = new Map<string, (typeof trace.events)[number]>();
  for (const e of trace.events) ours.set(e.t.module, e);
  const order = trace.events.map((e) => e.t.module);
  const same = JSON.stringify(order) === JSON.stringify(ref.trace.order);
  list.add(
    'eval_trace/order',
    same ? 'exact' : 'DIFFERENT',
    same ? undefined : `ours: ${order.join(',')}`,
  );
  for (const name of ref.trace.order) {
    const r = ref.trace.modules[name];
    const e = ours.get(name);
    if (!r || !e) {
      list.add(
        `eval_trace/${name}`,
        'DIFFERENT',
        e ? 'missing in reference' : 'not produced',
        name,
      );
      continue;
    }
    if (e.kind === 'act') compareAct(list, e.t, r);
    else if (e.kind === 'pool') {
      list.exactValue(`eval_trace/${name}.scale`, e.t.scale, r['scale'], name);
      list.stats(
        `eval_trace/${name}.out_int`,
        intStats(e.t.outInt, e.t.shape),
        r['out_int'] as Rec,
        name,
      );
    } else {
      list.stats(
        `eval_trace/${name}.out_int`,
        intStats(e.t.outInt, e.t.shape),
        r['out_int'] as Rec,
        name,
      );
      list.exactArray(
        `eval_trace/${name}.output_scale`,
        e.t.outputScale,
        (r['output_scale'] as number[]) ?? [],
        name,
      );
    }
  }
  const params = trace.acts().flatMap((t) => t.requant.map((p) => ({ module: t.module, p })));
  if (params.length !== ref.requant.length) {
    list.add('requant_params/count', 'DIFFERENT', `${params.length} vs ${ref.requant.length}`);
  }
  ref.requant.forEach((r, i) => {
    const o = params[i];
    const name = `requant_params/${i}:${r.module}`;
    if (!o || o.module !== r.module) {
      list.add(name, 'DIFFERENT', o ? `module ${o.module}` : 'not produced', r.module);
      return;
    }
    list.exactArray(`${name}.new_scale`, o.p.newScale, r.new_scale, r.module);
    list.exactArray(`${name}.m`, o.p.m, r.m, r.module);
    list.exactArray(`${name}.e`, o.p.e, r.e, r.module);
  });
  for (const f of ref.fullInts) {
    const e = ours.get(f.module);
    const arr = e?.kind === 'act' ? fieldOf(e.t, f.field) : undefined;
    if (!arr) list.add(f.file, 'DIFFERENT', 'not produced', f.module);
    else list.exactArray(f.file, arr, toNumbers(f.values), f.module);
  }
  if (ref.logitsInt) list.exactArray('logits_int', out.logitsInt, toNumbers(ref.logitsInt));
  if (ref.logitsScale) list.exactArray('logits_scale', out.logitsScale, toNumbers(ref.logitsScale));
  if (ref.logits) list.floatArray('logits', out.logits.data, toNumbers(ref.logits));
  if (ref.argmax)
    list.exactArray('argmax', argmax(out.logits.data, out.logits.shape[1]!), toNumbers(ref.argmax));
}

function fieldOf(t: ActTrace, field: string): Float64Array | undefined {
  if (field === 'out_int') return t.outInt;
  if (field === 'acc_int') return t.accInt;
  if (field === 'acc_identity_int') return t.accIdentityInt;
  if (field === 'acc_body_int') return t.accBodyInt;
  return undefined;
}

/** First index of the maximum per row (torch.argmax semantics on ties). */
export function argmax(logits: Float32Array, classes: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < logits.length / classes; r++) {
    let best = 0;
    for (let c = 1; c < classes; c++)
      if (logits[r * classes + c]! > logits[r * classes + best]!) best = c;
    out.push(best);
  }
  return out;
}
