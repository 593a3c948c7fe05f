// Model-name resolution. Users type the README's names (`resnet18_bops0.5`), bit_config.py's
// spelling (`resnet18_bops_0.5`, `resnet18_modelsize_0.5`) or the archive name; all are accepted
// case-insensitively. Anything else fails with the nearest valid names (Levenshtein distance).
import { distance } from 'fastest-levenshtein';
import { UnknownModelError } from './errors.js';
import { ZOO_MODELS, type ZooModel } from './registry.js';

const byName = new Map(ZOO_MODELS.map((m) => [m.name, m]));

/** Maps any accepted spelling onto the README spelling (which may or may not exist). */
export function canonicalModelName(input: string): string {
  let s = input
    .trim()
    .toLowerCase()
    .replace(/\.tar\.gz$/, '');
  const cut = s.indexOf('_');
  if (cut < 0) return s;
  const arch = s.slice(0, cut);
  s = s.slice(cut + 1);
  // bit_config.py writes `modelsize_0.5` / `bops_0.5`; the zoo writes `size0.5` / `bops0.5`.
  s = s.replace(/^modelsize/, 'size').replace(/^(size|bops|latency)_(?=\d)/, '$1');
  return `${arch}_${s}`;
}

/** The model for a name in any accepted spelling, or undefined. */
export function findModel(input: string): ZooModel | undefined {
  return byName.get(canonicalModelName(input));
}

/** The model for a name in any accepted spelling; throws UnknownModelError with suggestions. */
export function resolveModel(input: string): ZooModel {
  const model = findModel(input);
  if (!model) throw new UnknownModelError(input, nearestModelNames(input));
  return model;
}

/** Up to `count` valid names closest to `input` by edit distance (ties by name order). */
export function nearestModelNames(input: string, count = 3): string[] {
  const wanted = canonicalModelName(input);
  return ZOO_MODELS.map((m) => ({ name: m.name, d: distance(wanted, m.name) }))
    .sort((a, b) => a.d - b.d || a.name.localeCompare(b.name))
    .slice(0, count)
    .map((x) => x.name);
}
