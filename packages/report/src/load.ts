import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ResultsFileError } from './errors.js';
import { readText } from './results/read.js';
import { looksLikeEvalResults, parseResultsJson, type ResultsFile } from './results/schema.js';
import {
  type DeployMeasurements,
  looksLikeDeployResults,
  parseDeployResults,
} from './rows/deploy-results.js';

/** Results files shipped with the package (each written by a real command, which it names). */
export const BUNDLED_RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

export interface LoadedResults {
  evaluations: ResultsFile[];
  /** The last deploy benchmark results found (later folders override earlier ones). */
  deploy: DeployMeasurements | null;
  /** JSON files that are neither kind, so the caller can say they were ignored. */
  skipped: string[];
}

async function jsonFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir))
      .filter((n) => n.endsWith('.json'))
      .sort()
      .map((n) => join(dir, n));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new ResultsFileError(`results folder ${dir}: cannot list it (${code})`);
  }
}

/** Reads every `*.json` directly in the folders: evaluation results and deploy benchmark results. */
export async function loadResults(
  dirs: readonly string[],
  files: readonly string[] = [],
): Promise<LoadedResults> {
  const out: LoadedResults = { evaluations: [], deploy: null, skipped: [] };
  const all: string[] = [];
  for (const dir of dirs) all.push(...(await jsonFiles(dir)));
  all.push(...files);
  for (const file of all) {
    const text = await readText(file);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new ResultsFileError(`${file}: not valid JSON (${(err as Error).message})`);
    }
    if (looksLikeEvalResults(value)) out.evaluations.push(parseResultsJson(text, file));
    else if (looksLikeDeployResults(value)) out.deploy = parseDeployResults(value, file);
    else out.skipped.push(file);
  }
  return out;
}
