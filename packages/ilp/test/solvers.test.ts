import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Budget,
  IlpError,
  InfeasibleBudgetError,
  type LayerSensitivity,
  type Sensitivity,
  type SolverName,
  solveIlp,
} from '../src/index.js';

const uncorrelatedLayer = (fasterInt8: boolean) =>
  fc.record({
    trace: fc.double({ min: -0.01, max: 1, noNaN: true }),
    delta4: fc.double({ min: 0, max: 10, noNaN: true }),
    delta8: fc.double({ min: 0, max: 0.1, noNaN: true }),
    params: fc.integer({ min: 0, max: 5_000_000 }),
    macs: fc.integer({ min: 0, max: 200_000_000 }),
    latencyInt4: fc.double({ min: 0, max: 1, noNaN: true }),
    // On hardware without int4 kernels, 8-bit can be faster: negative cost deltas.
    latencyInt8: fc.double({ min: fasterInt8 ? 0 : 1, max: 2, noNaN: true }),
  });

/**
 * Gain nearly proportional to cost: the hard knapsack instances, where greedy choices are wrong
 * and a solver that prunes too early or stops at a gap shows.
 */
const correlatedLayer = fc
  .record({
    size: fc.integer({ min: 1_000, max: 1_000_000 }),
    gainNoise: fc.double({ min: 0.9, max: 1.1, noNaN: true }),
    macNoise: fc.double({ min: 0.8, max: 1.2, noNaN: true }),
  })
  .map(({ size, gainNoise, macNoise }) => ({
    trace: 1e-6 * gainNoise,
    delta4: size,
    delta8: 0,
    params: size,
    macs: Math.round(size * 100 * macNoise),
    latencyInt4: size / 1e6,
    latencyInt8: (2 * size) / 1e6,
  }));

/** A random instance: layers l0…l{n−1}, random ties, 1–3 budgets. */
const instance = (opts: { fasterInt8: boolean }) =>
  fc
    .integer({ min: 1, max: 16 })
    .chain((n) => {
      const layer = fc.oneof(uncorrelatedLayer(opts.fasterInt8), correlatedLayer);
      const budget = fc.record({
        kind: fc.constantFrom('size', 'bops', 'latency') as fc.Arbitrary<Budget['kind']>,
        ratio: fc.oneof(
          { weight: 1, arbitrary: fc.constantFrom(0, 1) },
          { weight: 6, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }) },
        ),
      });
      return fc.record({
        layers: fc.oneof(
          fc.array(layer, { minLength: n, maxLength: n }),
          fc.array(correlatedLayer, { minLength: n, maxLength: n }),
        ),
        ties: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 3 }),
        budgets: fc.array(budget, { minLength: 1, maxLength: 3 }),
      });
    })
    .map(({ layers, ties, budgets }) => {
      const sensitivity: Sensitivity = {
        arch: 'random',
        source: 'random instance',
        layers: (layers as Omit<LayerSensitivity, 'name'>[]).map((l, i) => ({
          ...l,
          name: `l${i}`,
          inputName: `l${i}`,
        })),
        ties: [],
      };
      const named = ties.map(([a, b]): [string, string] => [`l${a}`, `l${b}`]);
      return { sensitivity, ties: named, budgets };
    });

type Outcome = { objective: number; bits: string } | 'infeasible';

async function outcome(
  input: { sensitivity: Sensitivity; ties: [string, string][]; budgets: Budget[] },
  solver: SolverName,
): Promise<Outcome> {
  try {
    const s = await solveIlp(input.sensitivity, input.budgets, { solver, ties: input.ties });
    return { objective: s.objective, bits: [...s.bits.values()].join('') };
  } catch (error) {
    if (error instanceof InfeasibleBudgetError) return 'infeasible';
    throw error;
  }
}

function expectSameOptimum(actual: Outcome, reference: Outcome): void {
  if (reference === 'infeasible' || actual === 'infeasible') {
    expect(actual).toEqual(reference);
    return;
  }
  // Equal objectives; the bits may differ only when optima tie.
  expect(actual.objective).toBeCloseTo(reference.objective, 9);
}

describe('solvers agree with exhaustive enumeration on random small instances', () => {
  it('HiGHS = brute force, including negative latency deltas and infeasible budgets', async () => {
    await fc.assert(
      fc.asyncProperty(instance({ fasterInt8: true }), async (input) => {
        expectSameOptimum(await outcome(input, 'highs'), await outcome(input, 'brute-force'));
      }),
      { numRuns: 150, seed: 8 },
    );
  });

  it('branch and bound = brute force (nonnegative costs)', async () => {
    await fc.assert(
      fc.asyncProperty(instance({ fasterInt8: false }), async (input) => {
        expectSameOptimum(
          await outcome(input, 'branch-and-bound'),
          await outcome(input, 'brute-force'),
        );
      }),
      { numRuns: 300, seed: 8 },
    );
  });

  it('tied layers always get the same bits', async () => {
    await fc.assert(
      fc.asyncProperty(instance({ fasterInt8: true }), async (input) => {
        const result = await solveIlp(input.sensitivity, input.budgets, { ties: input.ties }).catch(
          (error: unknown) => {
            if (error instanceof InfeasibleBudgetError) return undefined;
            throw error;
          },
        );
        for (const [a, b] of input.ties) {
          if (result) expect(result.bits.get(a)).toBe(result.bits.get(b));
        }
      }),
      { numRuns: 100, seed: 8 },
    );
  });
});

describe('budget limits', () => {
  const two: Sensitivity = {
    arch: 'toy',
    source: 'toy',
    layers: [
      {
        name: 'a',
        inputName: 'a',
        trace: 1,
        delta4: 2,
        delta8: 0,
        params: 100,
        macs: 10,
        latencyInt4: 2,
        latencyInt8: 1,
      },
      {
        name: 'b',
        inputName: 'b',
        trace: 1,
        delta4: 1,
        delta8: 0,
        params: 300,
        macs: 30,
        latencyInt4: 3,
        latencyInt8: 1,
      },
    ],
    ties: [],
  };

  it('a budget exactly at a configuration cost admits it (r·Σ = cost of layer a)', async () => {
    const s = await solveIlp(two, [{ kind: 'size', ratio: 0.25 }]);
    expect([...s.bits.values()]).toEqual([8, 4]);
    expect(s.objective).toBe(-2);
    expect(s.costs.size!.ratio).toBeCloseTo(0.25, 12);
  });

  it('several budgets at once: the tighter one decides', async () => {
    const s = await solveIlp(two, [
      { kind: 'bops', ratio: 1 },
      { kind: 'size', ratio: 0.2 },
    ]);
    expect([...s.bits.values()]).toEqual([4, 4]);
  });

  it('infeasible when 8-bit is faster but the size budget forbids any 8-bit layer', async () => {
    await expect(
      solveIlp(two, [
        { kind: 'size', ratio: 0 },
        { kind: 'latency', ratio: 0.5 },
      ]),
    ).rejects.toThrow(/no 4\/8-bit assignment of toy meets size=0 and latency=0.5/);
  });

  it('brute force refuses instances it cannot enumerate quickly', async () => {
    const many: Sensitivity = {
      ...two,
      layers: Array.from({ length: 23 }, (_, i) => ({
        ...two.layers[0]!,
        name: `l${i}`,
        inputName: `l${i}`,
      })),
    };
    await expect(
      solveIlp(many, [{ kind: 'size', ratio: 0.5 }], { solver: 'brute-force' }),
    ).rejects.toThrow(IlpError);
  });
});
