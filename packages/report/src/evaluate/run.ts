import { ZOO_MODELS, type ZooModel } from '@hawq-ts/zoo';
import { EvaluationError } from '../errors.js';
import { isImagenetResult, zooModelOf } from '../results/match.js';
import type { MergedResult } from '../results/merge.js';
import { type EvalResult, evalResultSchema } from '../results/schema.js';
import { type Shard, shardItems } from '../results/shard.js';

/** What an evaluator gets for one zoo model: the installed checkpoint folder and ImageNet. */
export interface EvaluationJob {
  model: ZooModel;
  /** Folder of the installed zoo model (from @hawq-ts/zoo fetchModel). */
  modelDir: string;
  /** ImageNet root with `val/`. */
  dataDir: string;
  signal?: AbortSignal;
}

/** Evaluates one job; injected so the plumbing is testable and the evaluator replaceable. */
export type EvaluateFn = (job: EvaluationJob) => Promise<EvalResult>;
/** Installs a zoo model and returns its folder (@hawq-ts/zoo fetchModel in the CLI). */
export type FetchFn = (name: string) => Promise<{ dir: string }>;

/**
 * The zoo models shard i/n must evaluate: the split is over all 27 models in registry order (so
 * every machine computes the same split), minus those already measured on ImageNet.
 */
export function pendingEvaluations(have: readonly MergedResult[], shard?: Shard): ZooModel[] {
  const measured = new Set(
    have
      .filter((m) => isImagenetResult(m.result))
      .map((m) => zooModelOf(m.result))
      .flatMap((z) => (z ? [z.name] : [])),
  );
  const mine = shard ? shardItems(ZOO_MODELS, shard) : [...ZOO_MODELS];
  return mine.filter((m) => !measured.has(m.name));
}

export interface RunOptions {
  models: readonly ZooModel[];
  dataDir: string;
  evaluate: EvaluateFn;
  fetch: FetchFn;
  /** Why the evaluator cannot evaluate a model (it is then skipped and logged), or null. */
  skip?: (model: ZooModel) => string | null;
  /** Called after each evaluation with all results so far (the CLI saves them atomically). */
  onResult?: (results: readonly EvalResult[]) => Promise<void>;
  log?: (line: string) => void;
  signal?: AbortSignal;
}

/** Fetches and evaluates each model in turn; a result for the wrong model is an error. */
export async function runEvaluations(opts: RunOptions): Promise<EvalResult[]> {
  const results: EvalResult[] = [];
  for (const [k, model] of opts.models.entries()) {
    opts.signal?.throwIfAborted();
    const reason = opts.skip?.(model) ?? null;
    if (reason !== null) {
      opts.log?.(`[${k + 1}/${opts.models.length}] ${model.name}: skipped (${reason})`);
      continue;
    }
    opts.log?.(`[${k + 1}/${opts.models.length}] ${model.name}: fetching`);
    const { dir } = await opts.fetch(model.name);
    opts.log?.(`[${k + 1}/${opts.models.length}] ${model.name}: evaluating`);
    const raw = await opts.evaluate({
      model,
      modelDir: dir,
      dataDir: opts.dataDir,
      signal: opts.signal,
    });
    const parsed = evalResultSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new EvaluationError(
        `evaluator returned a malformed result for ${model.name}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`,
      );
    }
    const got = zooModelOf(parsed.data);
    if (got?.name !== model.name) {
      throw new EvaluationError(
        `evaluator returned a result for '${parsed.data.model}' (scheme ${parsed.data.scheme ?? 'none'}) when asked for ${model.name}`,
      );
    }
    results.push(parsed.data);
    opts.log?.(
      `[${k + 1}/${opts.models.length}] ${model.name}: top-1 ${parsed.data.top1.toFixed(2)} %`,
    );
    await opts.onResult?.(results);
  }
  return results;
}
