import type { BudgetKind } from './budget.js';
import { IlpError } from './errors.js';
import type { Sensitivity } from './sensitivity.js';
import { type IlpSolution, type SolveOptions, solveIlp } from './solve.js';

export interface ParetoPoint {
  /** The budget ratio r the ILP was solved at. */
  ratio: number;
  /** Cost of the chosen configuration for the swept kind (BUDGET_UNITS), ILP layers only. */
  cost: number;
  objective: number;
  eightBitLayers: number;
  solution: IlpSolution;
}

/**
 * The predicted frontier: the ILP solved at `steps` evenly spaced ratios r from 0 to 1 for one
 * budget kind. Each point is optimal for its budget, so the objective never increases with r.
 */
export async function paretoFrontier(
  sensitivity: Sensitivity,
  kind: BudgetKind,
  steps: number,
  options: SolveOptions = {},
): Promise<ParetoPoint[]> {
  if (!Number.isInteger(steps) || steps < 2) {
    throw new IlpError(`--steps ${steps}: need an integer ≥ 2 (ratios 0 … 1)`);
  }
  const points: ParetoPoint[] = [];
  for (let s = 0; s < steps; s++) {
    // Rounded so r prints as 0.05, not 0.05000000000000001.
    const ratio = Number((s / (steps - 1)).toFixed(12));
    const solution = await solveIlp(sensitivity, [{ kind, ratio }], options);
    points.push({
      ratio,
      cost: solution.costs[kind]!.cost,
      objective: solution.objective,
      eightBitLayers: solution.eightBitLayers,
      solution,
    });
  }
  return points;
}
