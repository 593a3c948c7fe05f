import { type BitConfig, bitConfigFromConvBits } from '@hawq-ts/core/config';
import type { IlpSolution } from './solve.js';

/** A scheme label for a solution's budgets, like HAWQ's: `bops_0.5`, `modelsize_0.25+latency_0.5`. */
export function schemeName(solution: IlpSolution): string {
  const label = { size: 'modelsize', bops: 'bops', latency: 'latency' } as const;
  return solution.budgets.map((b) => `${label[b.kind]}_${b.ratio}`).join('+') || 'unconstrained';
}

/**
 * The complete HAWQ bit config of an ILP decision: the body-conv bits plus every activation
 * quantizer, stem conv, residual requantizer and FC, by bit_config.py's rule (core's generator).
 */
export function fullBitConfig(solution: IlpSolution): BitConfig {
  return bitConfigFromConvBits(solution.arch, solution.bits, schemeName(solution));
}

/** HAWQ's bit_config dict `{moduleName: bits}` (hooks as `[bits, "hook"]`), in module order. */
export function hawqBitDict(config: BitConfig): Record<string, number | [number, 'hook']> {
  const dict: Record<string, number | [number, 'hook']> = {};
  for (const [name, bits] of config.entries)
    dict[name] = config.hooks.has(name) ? [bits, 'hook'] : bits;
  return dict;
}
