import { BudgetSyntaxError, IlpError, UnknownArchError } from '@hawq-ts/ilp';

/** A wrong or missing flag: exit code 2, like commander's own usage errors. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A file that cannot be read or written; the message names it. */
export class FileError extends Error {
  override name = 'FileError';
}

/** Exit status for an error: 2 for usage (flags), 1 for data (files, layers, infeasible budgets). */
export function exitCodeOf(error: unknown): number {
  return error instanceof UsageError ||
    error instanceof BudgetSyntaxError ||
    error instanceof UnknownArchError
    ? 2
    : 1;
}

/** Errors we expect and explain in one line; anything else is a bug and keeps its stack. */
export function isExpected(error: unknown): error is Error {
  return error instanceof UsageError || error instanceof FileError || error instanceof IlpError;
}
