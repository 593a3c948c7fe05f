import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ResultsFileError } from './errors.js';
import { asFashionMnist } from './results/match.js';
import { readText } from './results/read.js';
import { looksLikeEvalResults, parseResultsJson, type ResultsFile } from './results/schema.js';
import {
  type FashionDeployMeasurements,
  looksLikeDeployFashionResults,
  parseDeployFashionResults,
} from './rows/deploy-fashion-results.js';
import {
  type DeployMeasurements,
  looksLikeDeployResults,
  parseDeployResults,
} from './rows/deploy-results.js';

/** Results files shipped with the package (each written by a real command, which it names). */
export const BUNDLED_RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

/**
 * Subfolder of a results folder whose evaluation results are Fashion-MNIST results whatever
 * their `dataset` path says (drop the evaluator's `eval_results.json` files of a run there).
 */
export const FASHION_MNIST_SUBDIR = 'fashion-mnist';

export interface LoadedResults {
  evaluations: ResultsFile[];
  /** The last deploy benchmark results found (later folders override earlier ones). */
  deploy: DeployMeasurements | null;
  /** The last Fashion-MNIST deploy benchmark results found (`pnpm bench deploy-fashion`). */
  deployFashion: FashionDeployMeasurements | null;
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

async function isDir(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isDirectory() ?? false;
}

async function readJson(file: string): Promise<{ text: string; value: unknown }> {
  const text = await readText(file);
  try {
    return { text, value: JSON.parse(text) };
  } catch (err) {
    throw new ResultsFileError(`${file}: not valid JSON (${(err as Error).message})`);
  }
}

/**
 * Reads every `*.json` directly in the folders (evaluation results and both deploy benchmarks' results)
 * and in their `fashion-mnist/` subfolder (evaluation results, counted as Fashion-MNIST).
 */
export async function loadResults(
  dirs: readonly string[],
  files: readonly string[] = [],
): Promise<LoadedResults> {
  const out: LoadedResults = {
    evaluations: [],
    deploy: null,
    deployFashion: null,
    skipped: [],
  };
  const all: { file: string; fashion: boolean }[] = [];
  for (const dir of dirs) {
    for (const file of await jsonFiles(dir)) all.push({ file, fashion: false });
    const fm = join(dir, FASHION_MNIST_SUBDIR);
    if (await isDir(fm)) {
      for (const file of await jsonFiles(fm)) all.push({ file, fashion: true });
    }
  }
  for (const file of files) all.push({ file, fashion: false });
  for (const { file, fashion } of all) {
    const { text, value } = await readJson(file);
    if (looksLikeEvalResults(value)) {
      const parsed = parseResultsJson(text, file);
      out.evaluations.push(fashion ? asFashionMnist(parsed) : parsed);
    } else if (!fashion && looksLikeDeployResults(value)) {
      out.deploy = parseDeployResults(value, file);
    } else if (!fashion && looksLikeDeployFashionResults(value)) {
      out.deployFashion = parseDeployFashionResults(value, file);
    } else {
      out.skipped.push(file);
    }
  }
  return out;
}
