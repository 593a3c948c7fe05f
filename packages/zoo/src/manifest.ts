// manifest.json, written next to the extracted files: where the archive came from, its size and
// sha256, and every extracted file with its size, sha256 and what it holds. `zoo verify` re-hashes
// against it; other packages read `checkpoint` to find the file to load.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileKind } from './archive/contents.js';
import type { ExtractedFile } from './archive/extract.js';
import { MANIFEST_FILE } from './cache/paths.js';
import { ManifestError } from './errors.js';

export type ManifestSource =
  | { kind: 'drive'; url: string; filename?: string }
  | { kind: 'import'; file: string };

export interface Manifest {
  schema: 1;
  model: string;
  fileId: string;
  source: ManifestSource;
  archive: { bytes: number; sha256: string };
  /** The checkpoint to load, relative to the model directory. */
  checkpoint: string;
  files: ExtractedFile[];
  /** ISO time the model was installed. */
  installedAt: string;
}

const KINDS: FileKind[] = [
  'hawq-checkpoint',
  'hawq-quantized-checkpoint',
  'pytorchcv-weights',
  'other',
];

/** Writes `<dir>/manifest.json` via a temporary file and a rename. */
export async function writeManifest(dir: string, manifest: Manifest): Promise<void> {
  const file = join(dir, MANIFEST_FILE);
  await writeFile(`${file}.tmp`, `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(`${file}.tmp`, file);
}

export async function readManifest(file: string): Promise<Manifest> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ManifestError(file, `cannot read it (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new ManifestError(file, 'is not valid JSON');
  }
  const problem = manifestProblem(doc);
  if (problem) throw new ManifestError(file, problem);
  return doc as Manifest;
}

function manifestProblem(doc: unknown): string | undefined {
  if (typeof doc !== 'object' || doc === null) return 'is not a JSON object';
  const m = doc as Record<string, unknown>;
  if (m.schema !== 1) return `has unknown schema ${JSON.stringify(m.schema)}`;
  for (const key of ['model', 'fileId', 'checkpoint', 'installedAt']) {
    if (typeof m[key] !== 'string') return `lacks "${key}"`;
  }
  const archive = m.archive as Record<string, unknown> | undefined;
  if (typeof archive?.sha256 !== 'string' || typeof archive.bytes !== 'number')
    return 'lacks "archive"';
  if (!Array.isArray(m.files)) return 'lacks "files"';
  for (const f of m.files as Record<string, unknown>[]) {
    const ok =
      typeof f.path === 'string' &&
      typeof f.bytes === 'number' &&
      typeof f.sha256 === 'string' &&
      KINDS.includes(f.kind as FileKind);
    if (!ok) return `has a malformed file entry ${JSON.stringify(f)}`;
  }
  return undefined;
}
