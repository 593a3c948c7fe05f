import type { Budget } from './budget.js';
import { InfeasibleBudgetError, SolverError } from './errors.js';
import { type Evaluation, evaluateBits } from './evaluate.js';
import { type BuildOptions, buildProblem, type IlpProblem, isFeasible } from './problem.js';
import type { Sensitivity } from './sensitivity.js';
import { solveBranchAndBound } from './solvers/branchAndBound.js';
import { solveBruteForce } from './solvers/bruteForce.js';
import { solveWithHighs } from './solvers/highs.js';

export type SolverName = 'highs' | 'branch-and-bound' | 'brute-force';

export interface SolveOptions extends BuildOptions {
  /** `highs` (default, any instance), `branch-and-bound` (exact, nonnegative costs) or `brute-force` (≤ 22 groups). */
  solver?: SolverName;
}

export interface IlpSolution extends Evaluation {
  arch: string;
  solver: SolverName;
  budgets: Budget[];
  /** The decision in HAWQ module names, in the input's layer order. */
  bits: Map<string, 4 | 8>;
  /** The same decision keyed by the names the input used (e.g. ilp-data.json's `stage2.unit1.c1`). */
  inputBits: Map<string, 4 | 8>;
}

const SOLVERS: Record<SolverName, (p: IlpProblem) => Promise<boolean[] | null>> = {
  highs: solveWithHighs,
  'branch-and-bound': async (p) => solveBranchAndBound(p),
  'brute-force': async (p) => solveBruteForce(p),
};

export function describeBudgets(budgets: readonly Budget[]): string {
  return budgets.map((b) => `${b.kind}=${b.ratio}`).join(' and ') || 'no budget';
}

/**
 * HAWQ-V3's bit allocation: minimize Σ_{8-bit} trace·(Δ8 − Δ4) subject to every budget, with
 * tied layers sharing bits. Throws InfeasibleBudgetError when no assignment meets the budgets.
 */
export async function solveIlp(
  sensitivity: Sensitivity,
  budgets: readonly Budget[],
  options: SolveOptions = {},
): Promise<IlpSolution> {
  const solver = options.solver ?? 'highs';
  const problem = buildProblem(sensitivity, budgets, options);
  const x = await SOLVERS[solver](problem);
  if (x === null) {
    throw new InfeasibleBudgetError(
      `${sensitivity.source}: no 4/8-bit assignment of ${sensitivity.arch} meets ${describeBudgets(budgets)}`,
    );
  }
  // A solver's answer is checked, not trusted: the same feasibility rule for all solvers.
  if (!isFeasible(problem, x)) {
    throw new SolverError(
      `${solver} returned an assignment that exceeds ${describeBudgets(budgets)}`,
    );
  }
  const layerBits = new Array<4 | 8>(sensitivity.layers.length).fill(4);
  problem.groups.forEach((g, k) => {
    for (const i of g.layers) layerBits[i] = x[k] ? 8 : 4;
  });
  const bits = new Map(sensitivity.layers.map((l, i) => [l.name, layerBits[i]!]));
  const inputBits = new Map(sensitivity.layers.map((l, i) => [l.inputName, layerBits[i]!]));
  return {
    arch: sensitivity.arch,
    solver,
    budgets: [...budgets],
    bits,
    inputBits,
    ...evaluateBits(sensitivity, bits),
  };
}
