import { type EvaluateFn, EvaluatorMissingError } from '@hawq-ts/report';

// The evaluator package is loaded lazily: the tables (the Quick start job) must work without it,
// and only `--evaluate` needs it.
const EVALUATOR_PACKAGE = '@hawq-ts/evaluator';

export async function loadEvaluator(): Promise<EvaluateFn> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(EVALUATOR_PACKAGE)) as Record<string, unknown>;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new EvaluatorMissingError(
        `--evaluate needs ${EVALUATOR_PACKAGE}, which is not part of this build (packages/evaluator is missing); evaluate elsewhere and pass the results JSON with --results DIR`,
      );
    }
    throw err;
  }
  const evaluateZooModel = mod.evaluateZooModel;
  if (typeof evaluateZooModel !== 'function') {
    throw new EvaluatorMissingError(
      `--evaluate: ${EVALUATOR_PACKAGE} does not export evaluateZooModel(job) → results JSON; update @hawq-ts/tables-cli's adapter`,
    );
  }
  return evaluateZooModel as EvaluateFn;
}
