// One error policy for every command: a typed error becomes one line `zoo: <message>` on stderr
// and a non-zero exit; anything else is a bug and keeps its stack.
import { DownloadAbortedError, LockAbortedError, ZooError } from '@hawq-ts/zoo';

/** Exit code for an interrupted run (128 + SIGINT), as shells report it. */
export const EXIT_INTERRUPTED = 130;

/** Bad command-line usage detected by a command itself (commander reports its own). */
export class UsageError extends Error {}

/** Prints the error and returns the exit code to use. */
export function reportError(err: unknown): number {
  if (err instanceof ZooError) {
    process.stderr.write(`zoo: ${err.message}\n`);
    return err instanceof DownloadAbortedError || err instanceof LockAbortedError
      ? EXIT_INTERRUPTED
      : 1;
  }
  if (err instanceof UsageError) {
    process.stderr.write(`zoo: ${err.message} (see \`pnpm zoo --help\`)\n`);
    return 2;
  }
  if (err instanceof Error && (err as NodeJS.ErrnoException).code?.startsWith('commander.')) {
    return 1; // commander already printed it
  }
  process.stderr.write(
    `zoo: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  return 1;
}

/** `{ code, message }` of an error for `--json` documents. */
export function errorJson(err: unknown): { code: string; message: string } {
  if (err instanceof ZooError) return { code: err.code, message: err.message };
  return { code: 'internal', message: err instanceof Error ? err.message : String(err) };
}
