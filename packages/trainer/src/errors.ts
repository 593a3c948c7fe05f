/** Base class of trainer errors; one-line messages naming the file or option. */
export class TrainerError extends Error {
  override name = 'TrainerError';
}

/** A checkpoint cannot be resumed (missing, wrong layout, or does not fit the model). */
export class ResumeError extends TrainerError {
  override name = 'ResumeError';
}
