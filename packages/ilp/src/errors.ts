/** Base class: every error of @hawq-ts/ilp has a one-line message naming the input at fault. */
export class IlpError extends Error {
  override name = 'IlpError';
}

/** The sensitivity file (or object) is not in one of the two accepted formats. */
export class SensitivityFormatError extends IlpError {
  override name = 'SensitivityFormatError';
}

/** Layer names that are not the body convolutions of the architecture (unknown or missing ones). */
export class LayerMismatchError extends IlpError {
  override name = 'LayerMismatchError';
}

/** An architecture the ILP has no layer table for. */
export class UnknownArchError extends IlpError {
  override name = 'UnknownArchError';
}

/** A budget that cannot be parsed (`--budget foo=1`), or a ratio outside [0, 1]. */
export class BudgetSyntaxError extends IlpError {
  override name = 'BudgetSyntaxError';
}

/** No bit assignment satisfies all budgets at once. */
export class InfeasibleBudgetError extends IlpError {
  override name = 'InfeasibleBudgetError';
}

/** The solver failed or returned something that does not satisfy the constraints it was given. */
export class SolverError extends IlpError {
  override name = 'SolverError';
}
