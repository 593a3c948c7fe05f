// `zoo verify`: re-hash every extracted file against the size and sha256 the manifest recorded.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheRoot, modelPaths } from './cache/paths.js';
import type { ZooOptions } from './events.js';
import { modelManifest } from './installed.js';
import { resolveModel } from './names.js';

export type FileCheck =
  | { path: string; status: 'ok' }
  | { path: string; status: 'missing' }
  | { path: string; status: 'size-mismatch'; expected: number; actual: number }
  | { path: string; status: 'hash-mismatch'; expected: string; actual: string };

export interface VerifyReport {
  model: string;
  dir: string;
  ok: boolean;
  files: FileCheck[];
}

export async function verifyModel(
  name: string,
  opts: Pick<ZooOptions, 'cacheDir'> = {},
): Promise<VerifyReport> {
  const model = resolveModel(name);
  const paths = modelPaths(model.name, opts.cacheDir ?? cacheRoot());
  const manifest = await modelManifest(model.name, opts);
  const files: FileCheck[] = [];
  for (const entry of manifest.files) {
    const file = join(paths.dir, entry.path);
    let size: number;
    try {
      size = (await stat(file)).size;
    } catch {
      files.push({ path: entry.path, status: 'missing' });
      continue;
    }
    if (size !== entry.bytes) {
      files.push({
        path: entry.path,
        status: 'size-mismatch',
        expected: entry.bytes,
        actual: size,
      });
      continue;
    }
    const actual = await sha256File(file);
    files.push(
      actual === entry.sha256
        ? { path: entry.path, status: 'ok' }
        : { path: entry.path, status: 'hash-mismatch', expected: entry.sha256, actual },
    );
  }
  return { model: model.name, dir: paths.dir, ok: files.every((f) => f.status === 'ok'), files };
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }))
    hash.update(chunk as Buffer);
  return hash.digest('hex');
}
