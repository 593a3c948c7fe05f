// Runs Debian's python3-torch (/usr/bin/python3; the first python3 on PATH may lack torch).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PYTHON = process.env.HAWQ_TORCH_PYTHON ?? '/usr/bin/python3';
const helpers = join(dirname(fileURLToPath(import.meta.url)), 'python', 'torch_describe.py');

/** True when torch tests must be skipped: only when HAWQ_SKIP_TORCH=1 is set explicitly. */
export const skipTorch = process.env.HAWQ_SKIP_TORCH === '1';

let checked: string | null | undefined;

/** Throws a clear error (failing the test) when torch is missing, unless skipping was requested. */
export function requireTorch(): void {
  if (checked === undefined) {
    const r = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], {
      encoding: 'utf8',
    });
    checked =
      r.status === 0
        ? null
        : `${PYTHON} cannot import torch (${(r.stderr || String(r.error)).trim().split('\n').pop()}). ` +
          'Install it with `apt-get install python3-torch` (tools/setup.sh does), or set HAWQ_SKIP_TORCH=1 to skip these tests.';
  }
  if (checked) throw new Error(checked);
}

/** Runs torch_describe.py with a sub-command; returns its JSON stdout. */
export function torchHelper<T>(...args: string[]): T {
  requireTorch();
  const r = spawnSync(PYTHON, [helpers, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`torch_describe.py ${args[0]} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}
