import { getBitConfig } from '@hawq-ts/core';
import { describe, expect, it } from 'vitest';
import {
  type Budget,
  type BudgetKind,
  evaluateBits,
  fullBitConfig,
  type Sensitivity,
  solveIlp,
  toHawqName,
} from '../src/index.js';
import { RESNET18_RELEASED, RESNET50_RELEASED, SCHEMES } from './fixtures/released-body-bits.js';
import { notebookSensitivity } from './helpers.js';

const KIND: Record<string, BudgetKind> = { modelsize: 'size', bops: 'bops', latency: 'latency' };

function budgetOf(scheme: string): Budget {
  const [kind, ratio] = scheme.split('_') as [string, string];
  return { kind: KIND[kind]!, ratio: Number(ratio) };
}

function released(table: readonly (readonly [string, string])[], s: number): Map<string, 4 | 8> {
  return new Map(table.map(([name, bits]) => [toHawqName(name), bits[s] === '8' ? 8 : 4]));
}

function differences(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): string[] {
  return [...a].filter(([name, bits]) => b.get(name) !== bits).map(([name]) => name);
}

const cases: [string, () => Sensitivity, readonly (readonly [string, string])[]][] = [
  ['resnet18', () => notebookSensitivity('resnet18'), RESNET18_RELEASED],
  ['resnet50', () => notebookSensitivity('resnet50'), RESNET50_RELEASED],
];

describe.each(cases)(
  '%s: the ILP on HAWQ notebook data vs the released bit_config',
  (arch, load, table) => {
    const sensitivity = load();
    SCHEMES.forEach((scheme, s) => {
      const isKnownOutlier = arch === 'resnet50' && scheme === 'modelsize_0.25';
      it(`${scheme}${isKnownOutlier ? ' (released config is one layer off the optimum)' : ''}`, async () => {
        const budget = budgetOf(scheme);
        const solution = await solveIlp(sensitivity, [budget]);
        const release = released(table, s);
        const diff = differences(solution.bits, release);
        if (!isKnownOutlier) {
          expect(diff).toEqual([]);
          // And the complete dict, activations included, is bit_config.py's (core's public copy).
          expect([...fullBitConfig(solution).entries]).toEqual([
            ...getBitConfig(arch, scheme).entries,
          ]);
          return;
        }
        // The release is feasible but gives up sensitivity the budget could keep.
        expect(diff).toEqual(['stage3.unit6.quant_convbn1']);
        expect(solution.bits.get('stage3.unit6.quant_convbn1')).toBe(8);
        const releasedScore = evaluateBits(sensitivity, release);
        expect(releasedScore.costs.size!.ratio).toBeLessThanOrEqual(budget.ratio);
        expect(solution.objective).toBeLessThan(releasedScore.objective);
        expect(solution.objective).toBeCloseTo(-0.831387, 5);
        expect(releasedScore.objective).toBeCloseTo(-0.823226, 5);
      });
    });
  },
);

describe('the exact references agree with HiGHS on every released scheme', () => {
  it.each(cases)('%s', async (arch, load) => {
    const sensitivity = load();
    for (const scheme of SCHEMES) {
      const budget = budgetOf(scheme);
      const highs = await solveIlp(sensitivity, [budget]);
      const bnb = await solveIlp(sensitivity, [budget], { solver: 'branch-and-bound' });
      expect(bnb.objective, scheme).toBeCloseTo(highs.objective, 12);
      expect(differences(bnb.bits, highs.bits), scheme).toEqual([]);
      if (arch === 'resnet18') {
        // 16 tie groups: small enough to enumerate all 65,536 assignments.
        const brute = await solveIlp(sensitivity, [budget], { solver: 'brute-force' });
        expect(differences(brute.bits, highs.bits), scheme).toEqual([]);
      }
    }
  });
});
