import { BUDGET_KINDS, type BudgetKind, layerCost } from './budget.js';
import { LayerMismatchError } from './errors.js';
import { toHawqName } from './names.js';
import type { Sensitivity } from './sensitivity.js';

/** Cost of a configuration of the ILP's layers, with the all-4-bit and all-8-bit ends. */
export interface CostSummary {
  /** Cost of the configuration (BUDGET_UNITS; only the ILP's layers: first conv and FC excluded). */
  cost: number;
  all4: number;
  all8: number;
  /** Where the cost lies between the ends: (cost − all4)/(all8 − all4), the budgets' r. */
  ratio: number;
}

export interface Evaluation {
  /** HAWQ's objective Σ_{8-bit layers} trace·(Δ8 − Δ4): lower is better (more sensitivity kept). */
  objective: number;
  /** Σ over all layers of trace·Δ_bits: the predicted perturbation, = Σ trace·Δ4 + objective. */
  perturbation: number;
  eightBitLayers: number;
  /** Per budget kind the input has data for (latency only when every layer has latencies). */
  costs: Partial<Record<BudgetKind, CostSummary>>;
}

/**
 * Evaluates a bit assignment (keys in either naming, every layer 4 or 8) against the sensitivity
 * data: used for the ILP's answer and to score a released configuration the same way.
 */
export function evaluateBits(
  sensitivity: Sensitivity,
  bits: ReadonlyMap<string, number>,
): Evaluation {
  const byName = new Map([...bits].map(([name, b]) => [toHawqName(name), b]));
  const chosen = sensitivity.layers.map((layer) => {
    const b = byName.get(layer.name);
    if (b !== 4 && b !== 8) {
      throw new LayerMismatchError(
        `layer ${layer.inputName} needs 4 or 8 bits, got ${b === undefined ? 'nothing' : b}`,
      );
    }
    return b;
  });
  let objective = 0;
  let perturbation = 0;
  sensitivity.layers.forEach((l, i) => {
    if (chosen[i] === 8) objective += l.trace * (l.delta8 - l.delta4);
    perturbation += l.trace * (chosen[i] === 8 ? l.delta8 : l.delta4);
  });
  const hasLatency = sensitivity.layers.every(
    (l) => l.latencyInt4 !== undefined && l.latencyInt8 !== undefined,
  );
  const costs: Partial<Record<BudgetKind, CostSummary>> = {};
  for (const kind of BUDGET_KINDS) {
    if (kind === 'latency' && !hasLatency) continue;
    let cost = 0;
    let all4 = 0;
    let all8 = 0;
    sensitivity.layers.forEach((l, i) => {
      cost += layerCost(l, kind, chosen[i]!);
      all4 += layerCost(l, kind, 4);
      all8 += layerCost(l, kind, 8);
    });
    costs[kind] = { cost, all4, all8, ratio: all8 === all4 ? 0 : (cost - all4) / (all8 - all4) };
  }
  return {
    objective,
    perturbation,
    eightBitLayers: chosen.filter((b) => b === 8).length,
    costs,
  };
}
