import { BudgetSyntaxError, SensitivityFormatError } from './errors.js';
import type { LayerSensitivity } from './sensitivity.js';

export type BudgetKind = 'size' | 'bops' | 'latency';
export const BUDGET_KINDS: readonly BudgetKind[] = ['size', 'bops', 'latency'];

/** Unit in which costs of each kind are reported. */
export const BUDGET_UNITS: Readonly<Record<BudgetKind, string>> = {
  size: 'MiB',
  bops: 'GBOPS',
  latency: 'ms',
};

/**
 * A budget at ratio r of the way from the all-4-bit cost to the all-8-bit cost
 * (hawq-spec §6): cost(config) ≤ cost₄ + r·(cost₈ − cost₄), r ∈ [0, 1].
 */
export interface Budget {
  kind: BudgetKind;
  ratio: number;
}

export function isBudgetKind(value: string): value is BudgetKind {
  return (BUDGET_KINDS as readonly string[]).includes(value);
}

/** Parses `size=0.75`, `bops=0.5` or `latency=0.25`. */
export function parseBudget(text: string): Budget {
  const m = /^\s*([a-z]+)\s*=\s*(\S+)\s*$/i.exec(text);
  if (!m) {
    throw new BudgetSyntaxError(
      `--budget '${text}' is not KIND=R (KIND one of ${BUDGET_KINDS.join(', ')}; R in [0, 1])`,
    );
  }
  const kind = m[1]!.toLowerCase();
  if (!isBudgetKind(kind)) {
    throw new BudgetSyntaxError(
      `--budget '${text}': unknown kind '${m[1]}' (use ${BUDGET_KINDS.join(', ')})`,
    );
  }
  return { kind, ratio: parseRatio(m[2]!, `--budget '${text}'`) };
}

/** A ratio in [0, 1]; `label` names the flag in the error. */
export function parseRatio(text: string, label: string): number {
  const ratio = Number(text);
  if (text.trim() === '' || !Number.isFinite(ratio)) {
    throw new BudgetSyntaxError(`${label}: ratio '${text}' is not a number`);
  }
  if (ratio < 0 || ratio > 1) {
    throw new BudgetSyntaxError(
      `${label}: ratio ${text} is outside [0, 1] (0 = all 4-bit cost, 1 = all 8-bit cost)`,
    );
  }
  return ratio;
}

/**
 * Cost of one layer at 4 or 8 bits, in BUDGET_UNITS: model size counts weights × bits / 8 bytes,
 * BOPS count MACs × weight bits × activation bits (the activation feeding a conv has the conv's
 * bit width in HAWQ's configs), latency is the measured per-layer time.
 */
export function layerCost(layer: LayerSensitivity, kind: BudgetKind, bits: 4 | 8): number {
  switch (kind) {
    case 'size':
      return (layer.params * bits) / 8 / 2 ** 20;
    case 'bops':
      return (layer.macs * bits * bits) / 1e9;
    case 'latency': {
      const latency = bits === 4 ? layer.latencyInt4 : layer.latencyInt8;
      if (latency === undefined) {
        throw new SensitivityFormatError(
          `layer ${layer.name} has no latencyInt${bits}: a latency budget needs measured latencies for every layer`,
        );
      }
      return latency;
    }
  }
}
