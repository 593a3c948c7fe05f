import { z } from 'zod';
import { ResultsFileError } from '../errors.js';

// The evaluation results the tables accept (written by @hawq-ts/evaluator, by `pnpm tables
// --evaluate`, by `pnpm tables merge`, or by the trainer for Fashion-MNIST). The reader is
// tolerant: unknown keys are kept and ignored, and a file may hold one result, an array of
// results, or an envelope `{command, date, results: [...]}`. Percentages are 0..100.

const percent = z.number().min(0).max(100);

export const evalResultSchema = z.looseObject({
  /** Zoo name (`resnet18_bops0.5`) or an architecture (`resnet18`) together with `scheme`. */
  model: z.string().min(1),
  /** bit_config scheme (`bops_0.5`, `bops0.5`, `uniform8`) or `fp32`/`baseline`/`float`; null = FP. */
  scheme: z.string().nullish(),
  checkpointSha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/i, 'must be 64 hex digits')
    .nullish(),
  /** `imagenet` (any spelling containing it) or `fashion-mnist`. */
  dataset: z.string().min(1),
  /** Number of images evaluated. */
  count: z.number().int().positive(),
  top1: percent,
  top5: percent.nullish(),
  /** e.g. `ort-exact`, `ort-fast`, `tfjs`. */
  engine: z.string().nullish(),
  /** ISO date of the evaluation, or its duration in seconds (both spellings seen). */
  time: z.union([z.string(), z.number()]).nullish(),
  /** Fashion-MNIST only: what the size/BOPS accounting needs for the trained model. */
  arch: z.string().nullish(),
  inputSize: z.number().int().positive().nullish(),
  numClasses: z.number().int().positive().nullish(),
  /** ResNet widths when not the architecture's standard ones: stem conv and each stage's output. */
  channels: z
    .object({
      init: z.number().int().positive(),
      stages: z.array(z.number().int().positive()).min(1),
    })
    .nullish(),
  /** HAWQ module name → bits of a config that is not a built-in scheme (`file:config.json`). */
  bitConfig: z.record(z.string().min(1), z.number().int().min(1).max(32)).nullish(),
  /** Row label for the tables (default: from the scheme). */
  label: z.string().min(1).nullish(),
  /** The evaluator's second-engine comparison on the same images. */
  // z.object: other keys (the evaluator's timings) are dropped, not rejected.
  comparison: z
    .object({
      engine: z.string().min(1),
      reference: z.string().nullish(),
      count: z.number().int().positive(),
      top1: percent,
      top5: percent.nullish(),
      top1Difference: z.number().nullish(),
      argmaxDisagreements: z.number().int().nonnegative(),
      maxAbsLogitDifference: z.number().nonnegative().nullish(),
      maxAbsLogit: z.number().nonnegative().nullish(),
      maxRelLogitDifference: z.number().nonnegative().nullish(),
    })
    .refine((c) => c.argmaxDisagreements <= c.count, {
      message: 'argmaxDisagreements exceeds count',
      path: ['argmaxDisagreements'],
    })
    .nullish(),
});

export type EvalResult = z.infer<typeof evalResultSchema>;
export type EngineComparisonResult = NonNullable<EvalResult['comparison']>;

export const resultsEnvelopeSchema = z.looseObject({
  command: z.string().min(1),
  date: z.string().nullish(),
  results: z.array(evalResultSchema),
});

const resultsFileSchema = z.union([
  resultsEnvelopeSchema,
  z.array(evalResultSchema),
  evalResultSchema,
]);

/** Evaluation results of one file, with where they came from and the command that made them. */
export interface ResultsFile {
  source: string;
  command: string | null;
  results: EvalResult[];
}

export function describeIssue(source: string, error: z.ZodError): string {
  const issue = error.issues[0]!;
  const where = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
  return `${source}: ${where}: ${issue.message}`;
}

const hasTop1 = (v: unknown): boolean => typeof v === 'object' && v !== null && 'top1' in v;

/**
 * True when a JSON document looks like evaluation results (its entries carry `top1`), so a
 * results folder may also hold other JSON (the deploy benchmark's, a trainer log) without error.
 */
export function looksLikeEvalResults(value: unknown): boolean {
  const entries = Array.isArray(value)
    ? value
    : typeof value === 'object' &&
        value !== null &&
        'results' in value &&
        Array.isArray(value.results)
      ? value.results
      : [value];
  return entries.length > 0 && entries.every(hasTop1);
}

export function parseResultsJson(text: string, source: string): ResultsFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ResultsFileError(`${source}: not valid JSON (${(err as Error).message})`);
  }
  const parsed = resultsFileSchema.safeParse(value);
  if (!parsed.success) {
    // Report against the envelope shape when there is one: its errors are the useful ones.
    const envelope =
      typeof value === 'object' && value !== null && 'results' in value
        ? resultsEnvelopeSchema.safeParse(value)
        : Array.isArray(value)
          ? z.array(evalResultSchema).safeParse(value)
          : evalResultSchema.safeParse(value);
    throw new ResultsFileError(describeIssue(source, envelope.error ?? parsed.error));
  }
  const data = parsed.data;
  if (Array.isArray(data)) return { source, command: null, results: data };
  const envelope = resultsEnvelopeSchema.safeParse(data);
  if (envelope.success) {
    return { source, command: envelope.data.command, results: envelope.data.results };
  }
  // A single evaluator result may name the command that wrote it.
  const single = data as EvalResult;
  const command = typeof single.command === 'string' && single.command ? single.command : null;
  return { source, command, results: [single] };
}
