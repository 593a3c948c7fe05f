import { MergeConflictError } from '../errors.js';
import { evaluationKey } from './match.js';
import type { EvalResult, ResultsFile } from './schema.js';

/** The fields that define an evaluation's outcome; extra fields (time, host...) may differ. */
function outcome(r: EvalResult): string {
  return JSON.stringify([
    r.count,
    r.top1,
    r.top5 ?? null,
    r.checkpointSha256?.toLowerCase() ?? null,
  ]);
}

export interface MergedResult {
  result: EvalResult;
  /** File the result was taken from. */
  source: string;
  /** Command that wrote that file, when it says. */
  command: string | null;
}

/**
 * One result per evaluation (dataset + model + scheme) across files. The same evaluation in two
 * files with the same outcome is kept once (re-running a shard is harmless); different outcomes
 * are a conflict naming both files — the user decides which one is right.
 */
export function mergeResults(files: readonly ResultsFile[]): MergedResult[] {
  const byKey = new Map<string, MergedResult>();
  for (const file of files) {
    for (const result of file.results) {
      const key = evaluationKey(result);
      const seen = byKey.get(key);
      if (!seen) {
        byKey.set(key, { result, source: file.source, command: file.command });
      } else if (outcome(seen.result) !== outcome(result)) {
        throw new MergeConflictError(
          `conflicting results for ${key}: ${seen.source} has top-1 ${seen.result.top1} on ${seen.result.count} images, ${file.source} has ${result.top1} on ${result.count}; remove one of them`,
        );
      }
    }
  }
  return [...byKey.values()];
}
