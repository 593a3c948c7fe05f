import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ResultsFileError } from '../errors.js';
import { describeIssue } from '../results/schema.js';

// What every latency file of `pnpm bench deploy*` shares (only the fields the report uses): who
// wrote it, when, on what machine, and timings per batch size.

export const timingSchema = z.looseObject({
  batch: z.number().int().positive(),
  msPerBatch: z.number().positive(),
});

export const benchHeaderShape = {
  command: z.string().min(1),
  date: z.string(),
  machine: z.looseObject({ cpu: z.string(), cores: z.number() }),
  settings: z.looseObject({ ortIntraOpThreads: z.number().optional() }).optional(),
};

type BenchHeaderDoc = z.infer<z.ZodObject<typeof benchHeaderShape>>;

export interface BenchHeader {
  source: string;
  command: string;
  date: string;
  machine: string;
  threads: number | null;
}

export function benchHeader(d: BenchHeaderDoc, source: string): BenchHeader {
  return {
    source,
    command: d.command,
    date: d.date,
    machine: `${d.machine.cpu}, ${d.machine.cores} cores`,
    threads: d.settings?.ortIntraOpThreads ?? null,
  };
}

/** The document if it fits the schema, else a ResultsFileError naming the file and the field. */
export function parseBenchDoc<T extends z.ZodType>(
  schema: T,
  value: unknown,
  source: string,
): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ResultsFileError(describeIssue(source, parsed.error));
  return parsed.data;
}

/** A bench file's JSON; `what` names the kind of file in the error. */
export async function readBenchJson(file: string, what: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new ResultsFileError(`${file}: cannot read ${what} (${(err as Error).message})`);
  }
}
