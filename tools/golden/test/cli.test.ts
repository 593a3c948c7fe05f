// The built CLI (run `pnpm turbo run build --filter=@hawq-ts/golden...` first; turbo's test task
// does): exit codes, --json, and a mutated copy of a quantized case that must be caught.
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../src/check.js';
import { expandDirs } from '../src/check.js';
import { readManifest } from '../src/manifest.js';
import { formatReport } from '../src/report.js';

const cli = resolve(import.meta.dirname, '../dist/cli.js');
const goldenDir =
  process.env['HAWQ_GOLDEN_DIR'] ?? resolve(import.meta.dirname, '../../../../shared/golden');
const tmp = mkdtempSync(join(tmpdir(), 'hawq-golden-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function run(args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    env: { ...process.env, HAWQ_BACKEND: 'cpu' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Copy a case next to a link to the shared inputs, changing one float32 of `file`. */
async function mutatedCopy(file: string): Promise<string> {
  const cases = await expandDirs([goldenDir]);
  let src: string | undefined;
  for (const d of cases) if ((await readManifest(d)).kind === 'quantized') src = src ?? d;
  if (!src) throw new Error(`no quantized case under ${goldenDir}`);
  if (!existsSync(join(tmp, 'inputs')))
    symlinkSync(resolve(goldenDir, 'inputs'), join(tmp, 'inputs'));
  const dst = join(tmp, basename(src));
  rmSync(dst, { recursive: true, force: true });
  const { mkdirSync } = await import('node:fs');
  mkdirSync(dst);
  for (const f of readdirSync(src)) {
    if (f === file) continue;
    // the legacy checkpoint adds runtime, not coverage, to this test
    if (f === 'checkpoint_legacy.pth.tar') continue;
    if (f === 'manifest.json') {
      const m = JSON.parse(readFileSync(join(src, f), 'utf8'));
      m.files = m.files.filter((e: { file: string }) => e.file !== 'checkpoint_legacy.pth.tar');
      writeFileSync(join(dst, f), JSON.stringify(m));
    } else copyFileSync(join(src, f), join(dst, f));
  }
  const b = readFileSync(join(src, file));
  const values = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  values[3] = Math.fround(values[3]! * 1.01 + 0.01);
  writeFileSync(join(dst, file), new Uint8Array(values.buffer));
  return dst;
}

describe('hawq-golden CLI', () => {
  it('reports a mutated logits value as DIFFERENT and exits 1', async () => {
    const dir = await mutatedCopy('logits.f32');
    const r = run(['check', dir, '--json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as RunReport;
    expect(report.ok).toBe(false);
    const bad = report.cases[0]!.checks.filter((c) => c.status === 'DIFFERENT').map((c) => c.name);
    expect(bad).toEqual(['logits', 'logits']);
    expect(formatReport(report)).toMatch(/DIFFERENT +\[[^\]]+\] logits/);
  });
  it('--engine ort: every float and quantized case reproduces HAWQ on the exported ONNX', async () => {
    const dirs: string[] = [];
    for (const d of await expandDirs([goldenDir])) {
      const kind = (await readManifest(d)).kind;
      if (kind === 'float' || kind === 'quantized') dirs.push(d);
    }
    expect(dirs.length).toBeGreaterThanOrEqual(4);
    const r = run(['check', ...dirs, '--engine', 'ort', '--json']);
    const report = JSON.parse(r.stdout) as RunReport;
    expect(report.counts).toMatchObject({ pass: dirs.length, fail: 0, error: 0 });
    expect(report.cases.every((c) => c.checks.every((k) => k.way.startsWith('ort-')))).toBe(true);
    expect(r.code).toBe(0);
  });
  it('--engine ort catches a mutated logits value', async () => {
    const dir = await mutatedCopy('logits.f32');
    const r = run(['check', dir, '--engine', 'ort', '--json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as RunReport;
    expect(report.cases[0]!.status).toBe('fail');
  });
  it('rejects an unknown engine with one line', () => {
    const r = run(['check', goldenDir, '--engine', 'tvm']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('hawq-golden: --engine tvm: use tfjs or ort');
  });
  it('fails with one line for a directory without a manifest', () => {
    const r = run(['check', join(tmp, 'nope')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/manifest\.json: not found/);
  });
});
