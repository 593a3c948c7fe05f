import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ResultsFileError } from '../errors.js';

// tools/bench/results/deploy.json as `pnpm bench deploy` writes it (only the fields used here).
const timingSchema = z.looseObject({
  batch: z.number().int().positive(),
  msPerBatch: z.number().positive(),
});

const deploySchema = z.looseObject({
  command: z.string().min(1),
  date: z.string(),
  machine: z.looseObject({ cpu: z.string(), cores: z.number() }),
  settings: z.looseObject({ ortIntraOpThreads: z.number().optional() }).optional(),
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

export interface DeployMeasurements {
  source: string;
  command: string;
  date: string;
  machine: string;
  threads: number | null;
  byArch: ReadonlyMap<string, CpuSpeedup>;
}

export function looksLikeDeployResults(value: unknown): boolean {
  return deploySchema.safeParse(value).success;
}

export function parseDeployResults(value: unknown, source: string): DeployMeasurements {
  const parsed = deploySchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ResultsFileError(
      `${source}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`,
    );
  }
  const d = parsed.data;
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
  return {
    source,
    command: d.command,
    date: d.date,
    machine: `${d.machine.cpu}, ${d.machine.cores} cores`,
    threads: d.settings?.ortIntraOpThreads ?? null,
    byArch,
  };
}

export async function readDeployResults(file: string): Promise<DeployMeasurements> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new ResultsFileError(`${file}: cannot read deploy results (${(err as Error).message})`);
  }
  return parseDeployResults(value, file);
}
