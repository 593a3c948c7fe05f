import {
  type Budget,
  type BudgetKind,
  ILP_ARCHS,
  isBudgetKind,
  parseBudget,
  parseSensitivityJson,
  type Sensitivity,
  type SolverName,
} from '@hawq-ts/ilp';
import { UsageError } from './errors.js';
import { readText } from './io.js';

/** commander accumulator for repeatable flags. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export async function loadSensitivity(
  file: string,
  arch: string | undefined,
): Promise<Sensitivity> {
  if (arch !== undefined && !ILP_ARCHS.includes(arch)) {
    throw new UsageError(`--arch '${arch}': unknown arch; use ${ILP_ARCHS.join(', ')}`);
  }
  return parseSensitivityJson(await readText(file, '--sensitivity'), file, arch);
}

export function parseBudgets(texts: readonly string[]): Budget[] {
  if (texts.length === 0) {
    throw new UsageError('give at least one --budget KIND=R (KIND: size, bops or latency)');
  }
  return texts.map(parseBudget);
}

export function parseBudgetKind(text: string): BudgetKind {
  if (!isBudgetKind(text)) {
    throw new UsageError(`--budget-kind '${text}': use size, bops or latency`);
  }
  return text;
}

/** `--tie A,B` → [A, B]. */
export function parseTies(texts: readonly string[]): [string, string][] {
  return texts.map((text) => {
    const parts = text.split(',').map((s) => s.trim());
    if (parts.length !== 2 || !parts[0] || !parts[1]) {
      throw new UsageError(`--tie '${text}' is not LAYER,LAYER`);
    }
    return [parts[0], parts[1]];
  });
}

const SOLVERS: readonly SolverName[] = ['highs', 'branch-and-bound', 'brute-force'];

export function parseSolver(text: string): SolverName {
  if (!(SOLVERS as readonly string[]).includes(text)) {
    throw new UsageError(`--solver '${text}': use ${SOLVERS.join(', ')}`);
  }
  return text as SolverName;
}
