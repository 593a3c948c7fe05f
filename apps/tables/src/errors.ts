import { ReportError } from '@hawq-ts/report';
import { ZooError } from '@hawq-ts/zoo';

/** A bad flag combination or value, reported like the library errors. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Prints one line for a known error (full stack only with HAWQ_DEBUG=1) and returns the exit code. */
export function reportError(err: unknown): number {
  const known = err instanceof ReportError || err instanceof UsageError || err instanceof ZooError;
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`tables: ${message.split('\n')[0]}\n`);
  if (!known || process.env.HAWQ_DEBUG === '1') {
    if (err instanceof Error && err.stack && process.env.HAWQ_DEBUG === '1') {
      process.stderr.write(`${err.stack}\n`);
    }
  }
  return err instanceof UsageError ? 2 : 1;
}
