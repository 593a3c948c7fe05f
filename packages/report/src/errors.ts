/** Base class of every error @hawq-ts/report throws; messages are one line naming the file/flag. */
export class ReportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A results file (evaluation, deploy benchmark, trainer) that cannot be read or is malformed. */
export class ResultsFileError extends ReportError {}

/** Two results files disagree about the same (model, dataset) evaluation. */
export class MergeConflictError extends ReportError {}

/** A `--shard i/n` value that is not two integers with 1 ≤ i ≤ n. */
export class ShardSpecError extends ReportError {}

/** `--evaluate` was asked for but the evaluator package is not part of this build. */
export class EvaluatorMissingError extends ReportError {}

/** An evaluation returned a result for a different model than the one asked for. */
export class EvaluationError extends ReportError {}
