// Shared test fixtures: demo archives, a temporary cache, a fake Drive, and the real CLI.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type FakeDrive,
  type FakeDriveOptions,
  makeTarGz,
  type ScenarioName,
  startFakeDrive,
} from '@hawq-ts/fake-drive';
import { resolveModel } from '@hawq-ts/zoo';

export const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
export const MODEL = 'resnet18_bops0.5';
export const FILE_ID = resolveModel(MODEL).fileId;

export const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** A valid archive `<name>/checkpoint.pth.tar`; `randomKiB` of incompressible content. */
export async function archive(randomKiB = 4): Promise<{ bytes: Buffer; checkpoint: Buffer }> {
  const checkpoint = randomBytes(randomKiB * 1024);
  const bytes = await makeTarGz([
    { name: `${MODEL}/`, type: 'directory' },
    { name: `${MODEL}/checkpoint.pth.tar`, content: checkpoint },
  ]);
  return { bytes, checkpoint };
}

export async function tempDir(
  prefix = 'zoo-test-',
): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export async function fakeDrive(
  bytes: Uint8Array,
  scenario: ScenarioName,
  opts: Omit<FakeDriveOptions, 'files'> = {},
): Promise<FakeDrive> {
  return startFakeDrive({
    files: { [FILE_ID]: { bytes, scenario, name: `${MODEL}.tar.gz` } },
    ...opts,
  });
}

/** Responses that carried (part of) the file. */
export function fileResponses(drive: FakeDrive) {
  return drive.requestLog.filter((r) => r.bodyBytes !== undefined);
}

/** Whatever is in the zoo folder besides installed models (tmp folders, locks, parts). */
export async function zooLeftovers(cacheDir: string): Promise<string[]> {
  try {
    return (await readdir(join(cacheDir, 'zoo'))).filter(
      (n) => n.startsWith('.') || n.endsWith('.lock'),
    );
  } catch {
    return [];
  }
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function startCli(
  args: string[],
  env: Record<string, string>,
): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, HAWQ_ZOO_BACKOFF_MS: '5', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const done = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

export function runCli(args: string[], env: Record<string, string>): Promise<CliResult> {
  return startCli(args, env).done;
}
