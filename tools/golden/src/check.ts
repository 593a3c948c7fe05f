// Run case directories: expand parents, dispatch on the manifest's kind, summarise.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type Check, CheckList } from './compare.js';
import { checkFloatCase } from './float-case.js';
import { readManifest } from './manifest.js';
import { checkQuantizedCase } from './quantized-case.js';

/** Which engine evaluates the case: the tfjs/JS quantizer, or the exported integer ONNX on ORT. */
export type GoldenEngine = 'tfjs' | 'ort';

export interface CheckOptions {
  engine?: GoldenEngine;
}

/**
 * One QAT step (the trainer's checker, with the golden README's per-quantity tolerances):
 * forward, loss, gradients, SGD update, saved checkpoint, post-step evaluation.
 */
async function checkQat(dir: string): Promise<CheckList[]> {
  const { checkQatCase } = await import('@hawq-ts/trainer');
  const { results } = await checkQatCase(dir);
  const list = new CheckList('qat-step');
  for (const r of results) {
    const status = !r.ok ? 'DIFFERENT' : r.maxAbsDiff === 0 ? 'exact' : 'close';
    const bound = `max|a-b| = ${r.maxAbsDiff.toExponential(3)}, bound ${r.bound.toExponential(3)} (${r.tolerance})`;
    list.add(r.name, status, r.detail ? `${bound}; ${r.detail}` : bound);
  }
  return [list];
}

/** The exact ORT engine of @hawq-ts/deploy: export the case's checkpoint, run it, compare. */
async function checkOnOrt(dir: string): Promise<CheckList[]> {
  const { runGoldenCaseOnOrt } = await import('@hawq-ts/deploy');
  const report = await runGoldenCaseOnOrt(dir, { engine: 'exact' });
  const list = new CheckList(`ort-${report.engine}`);
  for (const c of report.checks) {
    const status = !c.pass ? 'DIFFERENT' : report.kind === 'float' ? 'close' : 'exact';
    list.add(c.name, status, c.detail);
  }
  return [list];
}

export type CaseStatus = 'pass' | 'fail' | 'not-checked' | 'error';

export interface CaseReport {
  dir: string;
  case: string;
  kind: string;
  status: CaseStatus;
  reason?: string;
  /** per way: the first module whose values differ (execution order) */
  firstDivergence?: Record<string, string>;
  checks: Check[];
}

export interface RunReport {
  ok: boolean;
  counts: Record<CaseStatus, number>;
  cases: CaseReport[];
}

/** A directory with a manifest is a case; otherwise its subdirectories that have a `kind` are. */
export async function expandDirs(dirs: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const d of dirs) {
    const hasManifest = await stat(join(d, 'manifest.json')).then(
      () => true,
      () => false,
    );
    if (hasManifest) {
      out.push(d);
      continue;
    }
    const entries = await readdir(d, { withFileTypes: true }).catch(() => []);
    const children: string[] = [];
    for (const e of entries
      .filter((x) => x.isDirectory())
      .sort((a, b) => a.name.localeCompare(b.name))) {
      const m = await readManifest(join(d, e.name)).catch(() => undefined);
      if (m?.kind) children.push(join(d, e.name));
    }
    // an empty expansion stays a (failing) case so the user sees what was wrong
    out.push(...(children.length > 0 ? children : [d]));
  }
  return out;
}

function firstDivergence(lists: CheckList[]): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const l of lists) {
    const bad = l.checks.find((c) => c.status === 'DIFFERENT' && c.module !== undefined);
    if (bad?.module) out[l.way] = bad.module;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

export async function checkCase(
  dir: string,
  log: (s: string) => void,
  opts: CheckOptions = {},
): Promise<CaseReport> {
  let kind = 'unknown';
  let name = dir;
  try {
    const m = await readManifest(dir);
    kind = m.kind ?? 'unknown';
    name = m.case ?? dir;
    let lists: CheckList[];
    if ((kind === 'float' || kind === 'quantized') && opts.engine === 'ort')
      lists = await checkOnOrt(dir);
    else if (kind === 'float') lists = await checkFloatCase(dir, m, log);
    else if (kind === 'quantized') lists = await checkQuantizedCase(dir, m, log);
    else if (kind === 'qat') lists = await checkQat(dir);
    else {
      return {
        dir,
        case: name,
        kind,
        status: 'error',
        reason: `${join(dir, 'manifest.json')}: unknown kind ${String(m.kind)} (expected float, quantized or qat)`,
        checks: [],
      };
    }
    const checks = lists.flatMap((l) => l.checks);
    const failed = checks.some((c) => c.status === 'DIFFERENT');
    const div = firstDivergence(lists);
    return {
      dir,
      case: name,
      kind,
      status: failed ? 'fail' : 'pass',
      ...(div ? { firstDivergence: div } : {}),
      checks,
    };
  } catch (err) {
    return { dir, case: name, kind, status: 'error', reason: (err as Error).message, checks: [] };
  }
}

export async function checkDirs(
  dirs: readonly string[],
  log: (s: string) => void,
  opts: CheckOptions = {},
): Promise<RunReport> {
  const cases: CaseReport[] = [];
  for (const d of await expandDirs(dirs)) cases.push(await checkCase(d, log, opts));
  const counts: Record<CaseStatus, number> = { pass: 0, fail: 0, 'not-checked': 0, error: 0 };
  for (const c of cases) counts[c.status]++;
  return { ok: cases.length > 0 && counts.pass === cases.length, counts, cases };
}
