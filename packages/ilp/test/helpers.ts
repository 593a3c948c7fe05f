import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSensitivityJson, type Sensitivity } from '../src/index.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * HAWQ's ILP.ipynb data. The shared reference folder sits beside the repository (in CI too:
 * the clone gets a copy of shared/ next to it); HAWQ_SHARED_DIR overrides.
 */
export const ILP_DATA =
  [process.env.HAWQ_SHARED_DIR, join(repoRoot, '..', 'shared'), '/work/shared']
    .filter((d): d is string => d !== undefined)
    .map((d) => join(d, 'reference', 'ilp-data.json'))
    .find((f) => existsSync(f)) ?? join(repoRoot, '..', 'shared', 'reference', 'ilp-data.json');

export function notebookSensitivity(arch: 'resnet18' | 'resnet50'): Sensitivity {
  return parseSensitivityJson(readFileSync(ILP_DATA, 'utf8'), ILP_DATA, arch);
}
