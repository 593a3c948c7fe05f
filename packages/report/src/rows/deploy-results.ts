import { z } from 'zod';
import {
  type BenchHeader,
  benchHeader,
  benchHeaderShape,
  parseBenchDoc,
  readBenchJson,
  timingSchema,
} from './bench-file.js';

// tools/bench/results/deploy.json as `pnpm bench deploy` writes it (only the fields used here).
const deploySchema = z.looseObject({
  ...benchHeaderShape,
  results: z.array(
    z.looseObject({ arch: z.string(), engine: z.string(), timings: z.array(timingSchema) }),
  ),
});

export type DeployResults = z.infer<typeof deploySchema>;

/** Engines of the deploy benchmark compared for the CPU speed-up. */
export const INT8_ENGINE = 'ort-int8';
export const FLOAT_ENGINE = 'ort-float';
/** HAWQ timed batch 8 on the T4; the CPU ratio uses the same batch. */
export const SPEEDUP_BATCH = 8;

export interface CpuSpeedup {
  /** float latency / int8 latency at SPEEDUP_BATCH. */
  ratio: number;
  floatMs: number;
  int8Ms: number;
}

export interface DeployMeasurements extends BenchHeader {
  byArch: ReadonlyMap<string, CpuSpeedup>;
}

export function looksLikeDeployResults(value: unknown): boolean {
  return deploySchema.safeParse(value).success;
}

export function parseDeployResults(value: unknown, source: string): DeployMeasurements {
  const d = parseBenchDoc(deploySchema, value, source);
  const ms = (arch: string, engine: string) =>
    d.results
      .find((r) => r.arch === arch && r.engine === engine)
      ?.timings.find((t) => t.batch === SPEEDUP_BATCH)?.msPerBatch;
  const byArch = new Map<string, CpuSpeedup>();
  for (const arch of new Set(d.results.map((r) => r.arch))) {
    const floatMs = ms(arch, FLOAT_ENGINE);
    const int8Ms = ms(arch, INT8_ENGINE);
    if (floatMs !== undefined && int8Ms !== undefined) {
      byArch.set(arch, { ratio: floatMs / int8Ms, floatMs, int8Ms });
    }
  }
  return { ...benchHeader(d, source), byArch };
}

export async function readDeployResults(file: string): Promise<DeployMeasurements> {
  return parseDeployResults(await readBenchJson(file, 'deploy results'), file);
}
