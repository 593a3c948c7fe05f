import { BUDGET_UNITS, type BudgetKind, describeBudgets, type IlpSolution } from '@hawq-ts/ilp';

/** One stderr line describing a solution: how many layers got 8 bits and what it costs. */
export function summarize(solution: IlpSolution): string {
  const costs = (Object.entries(solution.costs) as [BudgetKind, { cost: number; ratio: number }][])
    .map(
      ([kind, c]) => `${kind} ${c.cost.toFixed(3)} ${BUDGET_UNITS[kind]} (r=${c.ratio.toFixed(3)})`,
    )
    .join(', ');
  return (
    `${solution.arch} ${describeBudgets(solution.budgets)}: ${solution.eightBitLayers}/${solution.bits.size} ` +
    `layers at 8 bits, objective ${solution.objective.toPrecision(6)}; ${costs} [ILP layers only]\n`
  );
}
