import { type Budget, layerCost } from './budget.js';
import { LayerMismatchError } from './errors.js';
import { structuralTies, toHawqName } from './names.js';
import type { Sensitivity } from './sensitivity.js';

/**
 * Layers that must share a bit width form one group; the ILP has one binary variable per group
 * (x = 1 ⇔ 8 bits). Substituting ties instead of adding equality rows keeps the brute-force and
 * branch-and-bound references as small as the MILP.
 */
export interface IlpGroup {
  /** Indices into `Sensitivity.layers`. */
  layers: number[];
  /** Objective contribution when 8-bit: Σ trace·(Δ8 − Δ4) over the group (HAWQ's Ω, ≤ 0 normally). */
  omega: number;
  /** Per budget row: (cost₈ − cost₄) of the group, divided by the row's scale. */
  weights: number[];
}

/** minimize Σ_g omega_g·x_g  s.t.  Σ_g weights_g[j]·x_g ≤ capacities[j] ∀j,  x ∈ {0,1}^G. */
export interface IlpProblem {
  sensitivity: Sensitivity;
  budgets: Budget[];
  groups: IlpGroup[];
  capacities: number[];
}

/**
 * Slack allowed on a budget row, relative to its scale (rows are normalized so that the sum of
 * |cost₈ − cost₄| is 1). Every solver uses this same definition of feasible, so their optima are
 * comparable; 1e-9 is far below any difference between real configurations.
 */
export const FEASIBILITY_TOLERANCE = 1e-9;

/** Union-find over layer indices. */
function groupsOf(count: number, ties: readonly [number, number][]): number[][] {
  const parent = Array.from({ length: count }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  for (const [a, b] of ties) parent[find(a)] = find(b);
  const byRoot = new Map<number, number[]>();
  for (let i = 0; i < count; i++) {
    const root = find(i);
    byRoot.set(root, [...(byRoot.get(root) ?? []), i]);
  }
  return [...byRoot.values()];
}

export interface BuildOptions {
  /** Extra pairs that must share bits (any naming); structural and file ties always apply. */
  ties?: readonly (readonly [string, string])[];
}

export function buildProblem(
  sensitivity: Sensitivity,
  budgets: readonly Budget[],
  options: BuildOptions = {},
): IlpProblem {
  const { layers } = sensitivity;
  const index = new Map(layers.map((l, i) => [l.name, i]));
  const indexOf = (name: string): number => {
    const i = index.get(toHawqName(name));
    if (i === undefined) {
      throw new LayerMismatchError(
        `tie names ${name}, which is not a layer of ${sensitivity.source}`,
      );
    }
    return i;
  };
  const names = layers.map((l) => l.name);
  const ties = [...structuralTies(names), ...sensitivity.ties, ...(options.ties ?? [])].map(
    ([a, b]): [number, number] => [indexOf(a), indexOf(b)],
  );
  const members = groupsOf(layers.length, ties);

  const deltas = budgets.map((budget) =>
    layers.map((l) => layerCost(l, budget.kind, 8) - layerCost(l, budget.kind, 4)),
  );
  const scales = deltas.map((row) => row.reduce((s, d) => s + Math.abs(d), 0) || 1);
  const capacities = budgets.map(
    (budget, j) => (budget.ratio * deltas[j]!.reduce((s, d) => s + d, 0)) / scales[j]!,
  );
  const groups = members.map((group) => ({
    layers: group,
    omega: group.reduce(
      (s, i) => s + layers[i]!.trace * (layers[i]!.delta8 - layers[i]!.delta4),
      0,
    ),
    weights: deltas.map((row, j) => group.reduce((s, i) => s + row[i]!, 0) / scales[j]!),
  }));
  return { sensitivity, budgets: [...budgets], groups, capacities };
}

/** Whether choosing 8 bits for the groups with `x[g]` meets every budget (with the shared tolerance). */
export function isFeasible(problem: IlpProblem, x: readonly boolean[]): boolean {
  return problem.capacities.every((cap, j) => {
    let used = 0;
    problem.groups.forEach((g, k) => {
      if (x[k]) used += g.weights[j]!;
    });
    return used <= cap + FEASIBILITY_TOLERANCE;
  });
}

/** HAWQ's objective Σ_{8-bit} Ω for a group decision. */
export function objectiveOf(problem: IlpProblem, x: readonly boolean[]): number {
  return problem.groups.reduce((s, g, k) => (x[k] ? s + g.omega : s), 0);
}
