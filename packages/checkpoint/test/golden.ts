// Locates the shared golden data (../shared/golden next to the repo, or HAWQ_GOLDEN_DIR).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export function goldenDir(): string {
  const candidates = [
    process.env.HAWQ_GOLDEN_DIR,
    resolve(here, '../../../../shared/golden'),
    '/work/shared/golden',
  ].filter((c): c is string => !!c);
  const found = candidates.find((c) => existsSync(join(c, 'README.md')));
  if (!found)
    throw new Error(`golden data not found (tried ${candidates.join(', ')}); set HAWQ_GOLDEN_DIR`);
  return found;
}

export interface GoldenFileEntry {
  file: string;
  tensors: Record<string, { dtype: string; shape: number[]; sha256: string }>;
  values: Record<string, unknown>;
}

/** Every (checkpoint path, expected description) pair of every case's tensors.json. */
export function goldenCheckpoints(): { path: string; expected: GoldenFileEntry }[] {
  const root = goldenDir();
  const out: { path: string; expected: GoldenFileEntry }[] = [];
  for (const c of readdirSync(root).sort()) {
    const tj = join(root, c, 'tensors.json');
    if (!existsSync(tj)) continue;
    const parsed = JSON.parse(readFileSync(tj, 'utf8')) as GoldenFileEntry | GoldenFileEntry[];
    for (const e of Array.isArray(parsed) ? parsed : [parsed])
      out.push({ path: join(root, c, e.file), expected: e });
  }
  return out;
}
