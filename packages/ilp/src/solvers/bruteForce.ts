import { IlpError } from '../errors.js';
import { FEASIBILITY_TOLERANCE, type IlpProblem } from '../problem.js';

/** Largest instance the enumeration accepts: 2^22 ≈ 4M assignments, about a second. */
export const BRUTE_FORCE_MAX_GROUPS = 22;

/**
 * Enumerates every assignment of the groups (Gray code: each step flips one group, so the row
 * activities and objective update in O(rows)). Trivially correct; the reference the other
 * solvers are tested against. Returns null when nothing is feasible.
 */
export function solveBruteForce(problem: IlpProblem): boolean[] | null {
  const { groups, capacities } = problem;
  const n = groups.length;
  if (n > BRUTE_FORCE_MAX_GROUPS) {
    throw new IlpError(
      `brute force is limited to ${BRUTE_FORCE_MAX_GROUPS} groups; this problem has ${n} (use highs or branch-and-bound)`,
    );
  }
  const x = new Array<boolean>(n).fill(false);
  const used = capacities.map(() => 0);
  let objective = 0;
  const feasible = () => used.every((u, j) => u <= capacities[j]! + FEASIBILITY_TOLERANCE);
  let best: boolean[] | null = feasible() ? [...x] : null;
  let bestObjective = best ? 0 : Number.POSITIVE_INFINITY;
  for (let step = 1; step < 2 ** n; step++) {
    const k = Math.log2(step & -step); // the bit that changes between gray(step-1) and gray(step)
    const group = groups[k]!;
    const sign = x[k] ? -1 : 1;
    x[k] = !x[k];
    objective += sign * group.omega;
    group.weights.forEach((w, j) => {
      used[j]! += sign * w;
    });
    if (objective < bestObjective && feasible()) {
      bestObjective = objective;
      best = [...x];
    }
  }
  return best;
}
