import { readFileSync } from 'node:fs';
import type { EvalResult } from '../src/index.js';

export const SEED_README = '/work/shared/seed/hawq-readme.txt';
export const ILP_DATA = '/work/shared/reference/ilp-data.json';

export interface SeedRow {
  name: string;
  model: string;
  scheme: string;
  sizeMB: number;
  gbops: number;
  speedup: number | null;
  top1: number;
}

/**
 * The seed README's tables, parsed independently of the zoo registry: a `Model |` line followed
 * by `Scheme | MB | BOPS | [Speed-Up |] Accuracy | Download |`.
 */
export function parseSeedTables(text = readFileSync(SEED_README, 'utf8')): SeedRow[] {
  const lines = text.split('\n').map((l) => l.trim());
  const rows: SeedRow[] = [];
  for (let i = 0; i + 1 < lines.length; i++) {
    const head = /^(\w+) \|$/.exec(lines[i]!);
    if (!head) continue;
    const cells = lines[i + 1]!.split('|')
      .map((c) => c.trim())
      .filter((c) => c !== '');
    const withSpeed = cells.length === 6;
    rows.push({
      model: head[1]!,
      scheme: cells[0]!,
      sizeMB: Number(cells[1]),
      gbops: Number(cells[2]),
      speedup: withSpeed ? Number(cells[3]!.replace(/x$/, '')) : null,
      top1: Number(cells[withSpeed ? 4 : 3]),
      name: cells[withSpeed ? 5 : 4]!,
    });
  }
  return rows;
}

export function result(model: string, top1: number, extra: Partial<EvalResult> = {}): EvalResult {
  return { model, dataset: 'imagenet/val', count: 50_000, top1, top5: 90, ...extra };
}
