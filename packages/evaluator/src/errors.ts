/** Base class of every evaluator error; messages are one line and name the file or option. */
export class EvaluatorError extends Error {
  override name = 'EvaluatorError';
}

/** `--engine` names something this build cannot run. */
export class UnknownEngineError extends EvaluatorError {
  override name = 'UnknownEngineError';
  constructor(engine: string, known: readonly string[]) {
    super(`unknown engine '${engine}': use one of ${known.join(', ')}`);
  }
}
