// One error policy: a typed error of our packages (or a file-system error) becomes one line
// `quant-train: <message>` on stderr and exit 1; anything else is a bug and keeps its stack.
import { CheckpointError } from '@hawq-ts/checkpoint';
import {
  BackendUnavailableError,
  BitConfigError,
  InvalidBackendError,
  QuantError,
  UnknownArchError,
  UnknownBitConfigError,
} from '@hawq-ts/core';
import { DataError } from '@hawq-ts/data';
import { EvaluatorError } from '@hawq-ts/evaluator';
import { ModelInputError, QModelError, StateDictError } from '@hawq-ts/models';
import { TrainerError } from '@hawq-ts/trainer';
import { ZooError } from '@hawq-ts/zoo';

/** A flag value that makes no sense; the message names the flag. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const TYPED = [
  UsageError,
  CheckpointError,
  BackendUnavailableError,
  BitConfigError,
  InvalidBackendError,
  QuantError,
  UnknownArchError,
  UnknownBitConfigError,
  DataError,
  EvaluatorError,
  ModelInputError,
  QModelError,
  StateDictError,
  TrainerError,
  ZooError,
];

export function reportError(err: unknown): number {
  const line = (m: string) => process.stderr.write(`quant-train: ${m.split('\n')[0]}\n`);
  if (err instanceof Error && (err as NodeJS.ErrnoException).code?.startsWith('commander.')) {
    return err.message.includes('(outputHelp)') ||
      (err as NodeJS.ErrnoException).code === 'commander.helpDisplayed'
      ? 0
      : 2;
  }
  if (
    TYPED.some((C) => err instanceof C) ||
    (err instanceof Error &&
      err.name.endsWith('Error') &&
      err.constructor !== Error &&
      /DeployError|RuntimeError|UnsupportedModelError|MalformedModelError/.test(err.name))
  ) {
    line((err as Error).message);
    return 1;
  }
  const e = err as NodeJS.ErrnoException;
  if (e instanceof Error && typeof e.code === 'string' && e.path) {
    line(`${e.path}: ${e.code === 'ENOENT' ? 'no such file or directory' : e.message}`);
    return 1;
  }
  process.stderr.write(
    `quant-train: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  return 1;
}
