// e2e: `zoo export` on the golden checkpoints (needs `pnpm turbo run build --filter=@hawq-ts/zoo-cli...`).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const app = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(app, 'dist', 'cli.js');
const golden = process.env.HAWQ_GOLDEN_DIR ?? resolve(app, '..', '..', '..', 'shared', 'golden');
const ckpt = join(golden, 'b_resnet18_uniform4', 'checkpoint.pth.tar');
const out = mkdtempSync(join(tmpdir(), 'zoo-export-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const zoo = (...args: string[]) =>
  spawnSync(process.execPath, [cli, 'export', ...args], { encoding: 'utf8', cwd: out });

describe.skipIf(!existsSync(cli) || !existsSync(ckpt))('zoo export', () => {
  it('writes an exact integer ONNX model and prints only its path on stdout', () => {
    const r = zoo(ckpt, '--format', 'onnx', '--mode', 'exact', '-o', 'b.onnx');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('b.onnx\n');
    expect(statSync(join(out, 'b.onnx')).size).toBeGreaterThan(100_000);
  });

  it('writes packed integer weights with a default name', () => {
    const r = zoo(ckpt, '--format', 'packed');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('checkpoint.int.safetensors');
  });

  it('fails with one line and no output file on a bad flag or a missing checkpoint', () => {
    const before = readdirSync(out).length;
    const bad = zoo(ckpt, '--mode', 'turbo');
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toEqual([
      'zoo: --mode turbo: use exact, fast or int8 (see `pnpm zoo --help`)',
    ]);
    const missing = zoo(join(out, 'nope.pth.tar'));
    expect(missing.status).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(readdirSync(out).length).toBe(before);
  });
});
