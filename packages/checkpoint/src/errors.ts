/**
 * The one error type callers see: a one-line message `FILE: problem` so CLIs can print it as is.
 * `file` is the path (or the name given to loadTorchBuffer); `problem` is the bare reason.
 */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
  constructor(
    readonly file: string,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${oneLine(problem)}`, options);
  }
}

/**
 * Thrown by the parsers, which do not know the file name; the public entry points turn it into a
 * CheckpointError. Keeping the two apart lets the fuzz tests tell a diagnosed format problem from
 * a bug (any other exception type is wrapped as "unexpected …" and fails the fuzz test).
 */
export class FormatError extends Error {
  override readonly name = 'FormatError';
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}

/** Runs a parser and converts whatever it throws into a CheckpointError naming `file`. */
export function withFileContext<T>(file: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw toCheckpointError(file, err);
  }
}

/** withFileContext for an async parser. */
export async function withFileContextAsync<T>(file: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toCheckpointError(file, err);
  }
}

export function toCheckpointError(file: string, err: unknown): CheckpointError {
  if (err instanceof CheckpointError) return err;
  if (err instanceof FormatError) return new CheckpointError(file, err.message, { cause: err });
  // A RangeError from a typed-array allocation or a stack overflow on hostile input is still a
  // property of the file, but we say "unexpected" so tests can tell it from a diagnosed problem.
  const detail = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return new CheckpointError(file, `unexpected error while reading (${detail})`, { cause: err });
}
