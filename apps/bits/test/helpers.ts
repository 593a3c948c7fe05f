import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const appDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = resolve(appDir, '../..');
export const CLI = join(appDir, 'dist', 'cli.js');

/** HAWQ's notebook data; shared/ sits beside the repository (CI too), HAWQ_SHARED_DIR overrides. */
export const ILP_DATA =
  [process.env.HAWQ_SHARED_DIR, join(repoRoot, '..', 'shared'), '/work/shared']
    .filter((d): d is string => d !== undefined)
    .map((d) => join(d, 'reference', 'ilp-data.json'))
    .find((f) => existsSync(f)) ?? join(repoRoot, '..', 'shared', 'reference', 'ilp-data.json');

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (`pnpm build` first; turbo's test task depends on build). */
export function bits(...args: string[]): Promise<Run> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run pnpm build first`);
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (status) => resolvePromise({ status, stdout, stderr }));
  });
}
