import highsModule, { type Highs } from 'highs';
import { SolverError } from '../errors.js';
import type { IlpProblem } from '../problem.js';

type HighsLoader = typeof highsModule.default;

// highs ships CommonJS typings but an ES module build: under NodeNext TypeScript types the default
// import as the CommonJS namespace, while Node's `import` condition yields the loader itself.
const highsLoader: HighsLoader =
  (highsModule as unknown as { default?: HighsLoader }).default ??
  (highsModule as unknown as HighsLoader);

let runtime: Promise<Highs> | undefined;

/** The HiGHS WebAssembly runtime, instantiated once per process (about 40 ms). */
function loadHighs(): Promise<Highs> {
  runtime ??= highsLoader();
  return runtime;
}

/**
 * Solves the ILP with HiGHS's branch-and-cut MIP solver. The gaps are set to 0 so HiGHS proves
 * optimality instead of stopping within its default 0.01 % gap; the objective is divided by its
 * largest |Ω| so HiGHS's absolute tolerances mean the same for any sensitivity scale. Returns null
 * when the budgets are infeasible.
 */
export async function solveWithHighs(problem: IlpProblem): Promise<boolean[] | null> {
  const highs = await loadHighs();
  const { groups, capacities } = problem;
  const numCols = groups.length;
  const numRows = capacities.length;
  const scale = Math.max(...groups.map((g) => Math.abs(g.omega)), Number.MIN_VALUE);
  const starts = [0];
  const indices: number[] = [];
  const values: number[] = [];
  for (let j = 0; j < numRows; j++) {
    groups.forEach((g, k) => {
      if (g.weights[j] !== 0) {
        indices.push(k);
        values.push(g.weights[j]!);
      }
    });
    starts.push(indices.length);
  }
  const outcome = highs.withModel(
    {
      numCols,
      numRows,
      colCost: groups.map((g) => g.omega / scale),
      colLower: new Array<number>(numCols).fill(0),
      colUpper: new Array<number>(numCols).fill(1),
      rowLower: new Array<number>(numRows).fill(-highs.infinity),
      rowUpper: capacities,
      matrix: { format: 'csr', numRows, numCols, starts, indices, values },
      integrality: new Array<number>(numCols).fill(highs.constants.variableType.integer) as 1[],
    },
    (model) => {
      model.options.set({
        output_flag: false,
        mip_rel_gap: 0,
        mip_abs_gap: 0,
        primal_feasibility_tolerance: 1e-10,
        mip_feasibility_tolerance: 1e-10,
        // These knapsacks have ≤ a few hundred columns and ≤ 3 rows, many with equal costs:
        // presolve's symmetry detection took ~110 ms of CPU per R50 solve and the MIP itself ~8 ms.
        presolve: 'off',
        mip_detect_symmetry: false,
      });
      const { modelStatus } = model.run();
      const x =
        modelStatus === highs.constants.modelStatus.optimal
          ? Array.from(model.getSolution().colValue, (v) => v > 0.5)
          : undefined;
      return { modelStatus, x };
    },
  );
  if (outcome.x) return outcome.x;
  if (outcome.modelStatus === highs.constants.modelStatus.infeasible) return null;
  throw new SolverError(
    `HiGHS stopped with model status ${outcome.modelStatus} instead of optimal`,
  );
}
