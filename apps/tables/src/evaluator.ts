import { type EvaluateFn, EvaluatorMissingError } from '@hawq-ts/report';
import type { ZooModel } from '@hawq-ts/zoo';

export interface Evaluator {
  evaluate: EvaluateFn;
  skip: (model: ZooModel) => string | null;
}

const PACKAGES = ['@hawq-ts/evaluator', '@hawq-ts/data', '@hawq-ts/checkpoint'];

/**
 * Loads the ImageNet evaluator only when `--evaluate` asks for it: the tables themselves must
 * stay fast and must work in a build without the evaluator and its native dependencies.
 */
export async function loadEvaluator(opts: {
  batchSize: number;
  workers: number;
}): Promise<Evaluator> {
  try {
    const mod = await import('./imagenet-evaluator.js');
    return { evaluate: mod.imagenetEvaluator(opts), skip: mod.cannotEvaluate };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const missing = PACKAGES.find((p) => (err as Error).message.includes(p));
    if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && missing) {
      throw new EvaluatorMissingError(
        `--evaluate needs ${missing}, which is not installed in this build; run pnpm install && pnpm build, or evaluate elsewhere and pass the results JSON with --results DIR`,
      );
    }
    throw err;
  }
}
