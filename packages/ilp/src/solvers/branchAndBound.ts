import { IlpError } from '../errors.js';
import { FEASIBILITY_TOLERANCE, type IlpProblem } from '../problem.js';

/**
 * Exact depth-first branch and bound for the multi-budget 0/1 knapsack the ILP is, independent of
 * any LP code: the bound at a node is the smallest, over budget rows, of that row's fractional
 * knapsack (Dantzig) bound on the remaining gain. Each row's bound is a relaxation, so their
 * minimum is too. Needs nonnegative costs (true for size and BOPS; latency deltas measured on
 * hardware can be negative, then use highs). Returns null when nothing is feasible.
 */
export function solveBranchAndBound(problem: IlpProblem): boolean[] | null {
  const { groups, capacities } = problem;
  const rows = capacities.length;
  if (groups.some((g) => g.weights.some((w) => w < 0))) {
    throw new IlpError('branch-and-bound needs every 8-bit cost ≥ its 4-bit cost; use highs');
  }
  if (capacities.some((c) => c + FEASIBILITY_TOLERANCE < 0)) return null;
  // Gain = −Ω. Groups that gain nothing are never worth 8 bits (costs are nonnegative).
  const items = groups
    .map((g, k) => ({ k, gain: -g.omega, weights: g.weights }))
    .filter((it) => it.gain > 0)
    .sort((a, b) => density(b, 0) - density(a, 0));
  const n = items.length;
  // Per row, the items in order of decreasing gain per unit of that row's cost.
  const orders = Array.from({ length: rows }, (_, j) =>
    items.map((_, i) => i).sort((a, b) => density(items[b]!, j) - density(items[a]!, j)),
  );
  const taken = new Array<boolean>(n).fill(false);
  const decided = new Array<boolean>(n).fill(false);
  const residual = capacities.map((c) => c + FEASIBILITY_TOLERANCE);
  let best = new Array<boolean>(n).fill(false);
  let bestGain = 0;

  const bound = (gain: number): number => {
    let tightest = Number.POSITIVE_INFINITY;
    for (let j = 0; j < rows; j++) {
      let room = residual[j]!;
      let total = gain;
      for (const i of orders[j]!) {
        if (decided[i]) continue;
        const w = items[i]!.weights[j]!;
        if (w <= room) {
          room -= w;
          total += items[i]!.gain;
        } else {
          total += (items[i]!.gain * room) / w;
          break;
        }
      }
      tightest = Math.min(tightest, total);
    }
    return rows === 0
      ? gain + items.reduce((s, it, i) => (decided[i] ? s : s + it.gain), 0)
      : tightest;
  };

  const visit = (depth: number, gain: number): void => {
    if (gain > bestGain) {
      bestGain = gain;
      best = [...taken];
    }
    if (depth === n || bound(gain) <= bestGain) return;
    const item = items[depth]!;
    decided[depth] = true;
    if (item.weights.every((w, j) => w <= residual[j]!)) {
      taken[depth] = true;
      item.weights.forEach((w, j) => {
        residual[j]! -= w;
      });
      visit(depth + 1, gain + item.gain);
      item.weights.forEach((w, j) => {
        residual[j]! += w;
      });
      taken[depth] = false;
    }
    visit(depth + 1, gain);
    decided[depth] = false;
  };
  visit(0, 0);

  const x = new Array<boolean>(groups.length).fill(false);
  best.forEach((t, i) => {
    if (t) x[items[i]!.k] = true;
  });
  return x;
}

function density(item: { gain: number; weights: number[] }, row: number): number {
  const w = item.weights[row] ?? 0;
  return w > 0 ? item.gain / w : Number.POSITIVE_INFINITY;
}
