// One comparison result per tensor/value: exact, close (float within tolerance) or DIFFERENT.
import { type IntStats, toBigInt } from './stats.js';

export type CheckStatus = 'exact' | 'close' | 'DIFFERENT';

export interface Check {
  /** 'checkpoint', 'calibrate', or a checkpoint file name for the load-and-evaluate way */
  way: string;
  /** e.g. eval_trace/stage1.unit1.quant_act.out_int, logits, calib_trace/quant_input[1].x_max */
  name: string;
  /** the module the value belongs to (for "first diverging layer") */
  module?: string;
  status: CheckStatus;
  detail?: string;
}

/** Float tolerance of the golden README: |a - b| <= 1e-4 * max|b| per tensor. */
export const FLOAT_RTOL = 1e-4;

export class CheckList {
  readonly checks: Check[] = [];
  constructor(readonly way: string) {}

  add(name: string, status: CheckStatus, detail?: string, module?: string): void {
    this.checks.push({
      way: this.way,
      name,
      status,
      ...(detail !== undefined ? { detail } : {}),
      ...(module !== undefined ? { module } : {}),
    });
  }

  /** Integer (or must-be-bit-identical) arrays. */
  exactArray(name: string, ours: ArrayLike<number>, ref: ArrayLike<number>, module?: string): void {
    if (ours.length !== ref.length) {
      this.add(name, 'DIFFERENT', `length ${ours.length} vs ${ref.length}`, module);
      return;
    }
    let diff = 0;
    let first = -1;
    for (let i = 0; i < ref.length; i++) {
      if (!Object.is(ours[i]! + 0, ref[i]! + 0)) {
        diff++;
        if (first < 0) first = i;
      }
    }
    if (diff === 0) this.add(name, 'exact', undefined, module);
    else
      this.add(
        name,
        'DIFFERENT',
        `${diff}/${ref.length} differ, first at ${first}: ${ours[first]} vs ${ref[first]}`,
        module,
      );
  }

  /** Float arrays: exact when bit-identical, close within FLOAT_RTOL * max|ref|. */
  floatArray(name: string, ours: ArrayLike<number>, ref: ArrayLike<number>, module?: string): void {
    if (ours.length !== ref.length) {
      this.add(name, 'DIFFERENT', `length ${ours.length} vs ${ref.length}`, module);
      return;
    }
    let maxRef = 0;
    let maxErr = 0;
    let identical = true;
    for (let i = 0; i < ref.length; i++) {
      maxRef = Math.max(maxRef, Math.abs(ref[i]!));
      const e = Math.abs(ours[i]! - ref[i]!);
      if (!(e <= maxErr)) maxErr = Number.isNaN(e) ? Number.POSITIVE_INFINITY : e;
      if (ours[i] !== ref[i]) identical = false;
    }
    if (identical) this.add(name, 'exact', undefined, module);
    else if (maxErr <= FLOAT_RTOL * maxRef)
      this.add(
        name,
        'close',
        `max |diff| ${maxErr.toExponential(2)} (tolerance ${(FLOAT_RTOL * maxRef).toExponential(2)})`,
        module,
      );
    else
      this.add(
        name,
        'DIFFERENT',
        `max |diff| ${maxErr.toExponential(3)} > ${(FLOAT_RTOL * maxRef).toExponential(3)}`,
        module,
      );
  }

  /** Scalars that must be identical (float32 scales, ranges, counts). */
  exactValue(name: string, ours: number | string | undefined, ref: unknown, module?: string): void {
    const same =
      typeof ref === 'number' || typeof ref === 'string'
        ? ours === ref
        : ref === null && ours === undefined;
    this.add(
      name,
      same ? 'exact' : 'DIFFERENT',
      same ? undefined : `${String(ours)} vs ${String(ref)}`,
      module,
    );
  }

  /** eval_trace statistics block. */
  stats(
    name: string,
    ours: IntStats,
    ref: Record<string, unknown> | undefined,
    module?: string,
  ): void {
    if (!ref) {
      this.add(name, 'DIFFERENT', 'missing in the reference trace', module);
      return;
    }
    const bad: string[] = [];
    if (JSON.stringify(ours.shape) !== JSON.stringify(ref['shape']))
      bad.push(`shape [${ours.shape}] vs [${String(ref['shape'])}]`);
    for (const k of ['min', 'max', 'sum', 'sum_abs', 'sum_sq', 'nonzero'] as const) {
      const r = toBigInt(ref[k]);
      if (r === undefined || BigInt(ours[k]) !== r)
        bad.push(`${k} ${ours[k]} vs ${String(ref[k])}`);
    }
    if (ours.sha256_int32_le !== ref['sha256_int32_le']) bad.push('sha256');
    this.add(
      name,
      bad.length === 0 ? 'exact' : 'DIFFERENT',
      bad.length ? bad.join(', ') : undefined,
      module,
    );
  }
}
