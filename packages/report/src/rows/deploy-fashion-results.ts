import { z } from 'zod';
import {
  type BenchHeader,
  benchHeader,
  benchHeaderShape,
  parseBenchDoc,
  readBenchJson,
  timingSchema,
} from './bench-file.js';
import { FLOAT_ENGINE, INT8_ENGINE, SPEEDUP_BATCH } from './deploy-results.js';
import { type ModelIdentity, sameModel, sameStructure } from './model-identity.js';

// tools/bench/results/deploy-fashion.json as `pnpm bench deploy-fashion` writes it (only the
// fields used here): one entry per timed model, identified by structure and per-module bits.
const configSchema = z.looseObject({
  arch: z.string().min(1),
  channels: z.looseObject({
    init: z.number().int().positive(),
    stages: z.array(z.number().int().positive()).min(1),
  }),
  inputSize: z.number().int().positive(),
  numClasses: z.number().int().positive(),
  /** Resolved HAWQ module name → bits; null for the float model. */
  bits: z.record(z.string().min(1), z.number().int().min(1).max(32)).nullable(),
  /** Engine (`ort-float`, `ort-int8`, `ort-exact`, `pytorch-cpu-…`) → timings per batch size. */
  timings: z.record(z.string(), z.array(timingSchema)),
});

const deployFashionSchema = z.looseObject({
  ...benchHeaderShape,
  configs: z.array(configSchema).min(1),
});

export interface FashionTiming {
  identity: ModelIdentity;
  /** ms per batch of SPEEDUP_BATCH images, per engine. */
  msAtSpeedupBatch: ReadonlyMap<string, number>;
}

export interface FashionDeployMeasurements extends BenchHeader {
  timings: readonly FashionTiming[];
}

/** float / int8 latency of one model at SPEEDUP_BATCH (FP: its float latency, ratio 1). */
export interface FashionSpeedup {
  ratio: number;
  floatMs: number;
  int8Ms: number | null;
}

/**
 * A `configs` array is what marks these files (evaluation results have `results` or `top1`), so
 * a damaged one is reported by parseDeployFashionResults instead of being skipped unnoticed.
 */
export function looksLikeDeployFashionResults(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    'configs' in value &&
    Array.isArray(value.configs) &&
    !('results' in value)
  );
}

export function parseDeployFashionResults(
  value: unknown,
  source: string,
): FashionDeployMeasurements {
  const d = parseBenchDoc(deployFashionSchema, value, source);
  return {
    ...benchHeader(d, source),
    timings: d.configs.map((c) => ({
      identity: {
        arch: c.arch,
        channels: { init: c.channels.init, stages: c.channels.stages },
        inputSize: c.inputSize,
        numClasses: c.numClasses,
        bits: c.bits,
      },
      msAtSpeedupBatch: new Map(
        Object.entries(c.timings).flatMap(([engine, ts]) => {
          const t = ts.find((x) => x.batch === SPEEDUP_BATCH);
          return t ? [[engine, t.msPerBatch] as const] : [];
        }),
      ),
    })),
  };
}

export async function readDeployFashionResults(file: string): Promise<FashionDeployMeasurements> {
  return parseDeployFashionResults(await readBenchJson(file, 'deploy-fashion results'), file);
}

/**
 * The measured speed-up of exactly this model: the float graph of the same structure over the
 * int8 graph of the same structure and bits; null unless both were timed at SPEEDUP_BATCH.
 */
export function fashionSpeedupFor(
  m: FashionDeployMeasurements,
  model: ModelIdentity,
): FashionSpeedup | null {
  const floatMs = m.timings
    .find((t) => t.identity.bits === null && sameStructure(t.identity, model))
    ?.msAtSpeedupBatch.get(FLOAT_ENGINE);
  if (floatMs === undefined) return null;
  if (model.bits === null) return { ratio: 1, floatMs, int8Ms: null };
  const int8Ms = m.timings
    .find((t) => sameModel(t.identity, model))
    ?.msAtSpeedupBatch.get(INT8_ENGINE);
  return int8Ms === undefined ? null : { ratio: floatMs / int8Ms, floatMs, int8Ms };
}
