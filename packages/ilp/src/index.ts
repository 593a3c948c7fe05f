// Public API of @hawq-ts/ilp: HAWQ-V3's integer linear program for 4/8-bit allocation.
export { bodyConvNames, ILP_ARCHS } from './arch.js';
export { fullBitConfig, hawqBitDict, schemeName } from './bitconfig.js';
export {
  BUDGET_KINDS,
  BUDGET_UNITS,
  type Budget,
  type BudgetKind,
  isBudgetKind,
  layerCost,
  parseBudget,
  parseRatio,
} from './budget.js';
export {
  BudgetSyntaxError,
  IlpError,
  InfeasibleBudgetError,
  LayerMismatchError,
  SensitivityFormatError,
  SolverError,
  UnknownArchError,
} from './errors.js';
export { type CostSummary, type Evaluation, evaluateBits } from './evaluate.js';
export { structuralTies, toHawqName } from './names.js';
export { type ParetoPoint, paretoFrontier } from './pareto.js';
export {
  type BuildOptions,
  buildProblem,
  FEASIBILITY_TOLERANCE,
  type IlpGroup,
  type IlpProblem,
  isFeasible,
  objectiveOf,
} from './problem.js';
export {
  type LayerSensitivity,
  parseSensitivity,
  parseSensitivityJson,
  type Sensitivity,
  type SensitivityFile,
  type SensitivityLayer,
} from './sensitivity.js';
export {
  describeBudgets,
  type IlpSolution,
  type SolveOptions,
  type SolverName,
  solveIlp,
} from './solve.js';
export { solveBranchAndBound } from './solvers/branchAndBound.js';
export { BRUTE_FORCE_MAX_GROUPS, solveBruteForce } from './solvers/bruteForce.js';
export { solveWithHighs } from './solvers/highs.js';
