import { z } from 'zod';
import { bodyConvNames } from './arch.js';
import { LayerMismatchError, SensitivityFormatError } from './errors.js';
import { toHawqName } from './names.js';

/** One quantizable layer as `pnpm bits hessian` writes it (see README, "sensitivity format"). */
export interface LayerSensitivity {
  /** HAWQ module name, e.g. `stage2.unit1.quant_convbn1` (short aliases like `stage2.unit1.c1` accepted). */
  name: string;
  /** Hutchinson estimate of the Hessian trace divided by the number of parameters. */
  trace: number;
  /** ‖W − Q₄(W)‖² */
  delta4: number;
  /** ‖W − Q₈(W)‖² */
  delta8: number;
  /** Weight count (BN folded, no bias). */
  params: number;
  /** Multiply-accumulates per image. */
  macs: number;
  /** Measured latency of the layer at 4 and 8 bits (any unit, the same for all layers). */
  latencyInt4?: number;
  latencyInt8?: number;
}

/** The per-layer sensitivity JSON: `{arch, layers: [...], ties?: [[a, b], ...]}`. */
export interface SensitivityFile {
  arch: string;
  layers: LayerSensitivity[];
  ties?: [string, string][];
}

/** A layer after parsing: `name` is the HAWQ module name, `inputName` the name used by the input. */
export interface SensitivityLayer extends LayerSensitivity {
  inputName: string;
}

/** Parsed and validated input of the ILP, whatever format it came in. */
export interface Sensitivity {
  arch: string;
  /** Where it came from (file path or a label), used in error messages. */
  source: string;
  layers: SensitivityLayer[];
  /** Explicit ties from the input, in HAWQ names (structural ties are added by the problem builder). */
  ties: [string, string][];
}

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const nonNegative = finite.refine((v) => v >= 0, 'must be ≥ 0');
const tie = z.tuple([z.string(), z.string()]);

const layerSchema = z.object({
  name: z.string().min(1),
  trace: finite,
  delta4: nonNegative,
  delta8: nonNegative,
  params: nonNegative,
  macs: nonNegative,
  latencyInt4: nonNegative.optional(),
  latencyInt8: nonNegative.optional(),
});

const sensitivityFileSchema = z.object({
  arch: z.string().min(1),
  layers: z.array(layerSchema).min(1),
  ties: z.array(tie).optional(),
});

/** One model of HAWQ's ILP.ipynb data (shared/reference/ilp-data.json): parallel arrays. */
const notebookModelSchema = z.object({
  layers: z.array(z.string().min(1)).min(1),
  Hutchinson_trace: z.array(finite),
  delta_weights_8bit_square: z.array(nonNegative),
  delta_weights_4bit_square: z.array(nonNegative),
  parameters: z.array(nonNegative),
  bops: z.array(nonNegative),
  latency_int4: z.array(nonNegative).optional(),
  latency_int8: z.array(nonNegative).optional(),
  ties: z.array(tie).optional(),
  units: z.object({ parameters: z.string(), bops: z.string() }),
});

const notebookFileSchema = z.object({ models: z.record(z.string(), z.unknown()) });

function formatIssue(source: string, error: z.ZodError): string {
  const issue = error.issues[0]!;
  const where = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
  return `${source}: ${where}: ${issue.message}`;
}

/**
 * The divisor in a unit string like "count / 2^20" or "MACs / 1e6 at 224x224": the notebook
 * stores R18 parameters in units of 2^20 but R50 parameters in units of 1e6, so the unit
 * string, not the arch, says how to get back to counts.
 */
function unitScale(unit: string, what: string, source: string): number {
  const m = /\/\s*(2\^(\d+)|[0-9.]+(?:e[+-]?\d+)?)/i.exec(unit);
  const value = m ? (m[2] !== undefined ? 2 ** Number(m[2]) : Number(m[1])) : Number.NaN;
  if (!Number.isFinite(value) || value <= 0) {
    throw new SensitivityFormatError(
      `${source}: units.${what} '${unit}' is not of the form 'count / 2^N' or 'count / 1eN'`,
    );
  }
  return value;
}

function fromNotebook(models: Record<string, unknown>, source: string, arch?: string) {
  const available = Object.keys(models);
  if (arch === undefined) {
    if (available.length !== 1) {
      throw new SensitivityFormatError(
        `${source} holds the models ${available.join(', ')}: choose one with --arch`,
      );
    }
    arch = available[0]!;
  }
  if (!Object.hasOwn(models, arch)) {
    throw new SensitivityFormatError(
      `${source} has no model '${arch}'; it has ${available.join(', ')}`,
    );
  }
  const parsed = notebookModelSchema.safeParse(models[arch]);
  if (!parsed.success) {
    throw new SensitivityFormatError(formatIssue(`${source}: models.${arch}`, parsed.error));
  }
  const m = parsed.data;
  const n = m.layers.length;
  const columns = {
    Hutchinson_trace: m.Hutchinson_trace,
    delta_weights_8bit_square: m.delta_weights_8bit_square,
    delta_weights_4bit_square: m.delta_weights_4bit_square,
    parameters: m.parameters,
    bops: m.bops,
    latency_int4: m.latency_int4,
    latency_int8: m.latency_int8,
  };
  for (const [key, column] of Object.entries(columns)) {
    if (column !== undefined && column.length !== n) {
      throw new SensitivityFormatError(
        `${source}: models.${arch}.${key} has ${column.length} values for ${n} layers`,
      );
    }
  }
  const paramScale = unitScale(m.units.parameters, 'parameters', source);
  const macScale = unitScale(m.units.bops, 'bops', source);
  const layers: LayerSensitivity[] = m.layers.map((name, i) => ({
    name,
    trace: m.Hutchinson_trace[i]!,
    delta4: m.delta_weights_4bit_square[i]!,
    delta8: m.delta_weights_8bit_square[i]!,
    // Rounded: the notebook's values are exact counts divided by the unit.
    params: Math.round(m.parameters[i]! * paramScale),
    macs: Math.round(m.bops[i]! * macScale),
    ...(m.latency_int4 && m.latency_int8
      ? { latencyInt4: m.latency_int4[i]!, latencyInt8: m.latency_int8[i]! }
      : {}),
  }));
  return { arch, layers, ties: m.ties ?? [] };
}

function listed(names: readonly string[]): string {
  const shown = names.slice(0, 3).join(', ');
  return names.length > 3 ? `${shown} and ${names.length - 3} more` : shown;
}

/** Checks that `layers` are exactly the body convs of `arch` (HAWQ names), each once. */
function checkLayers(arch: string, layers: readonly SensitivityLayer[], source: string): void {
  const expected = bodyConvNames(arch);
  const expectedSet = new Set(expected);
  const seen = new Set<string>();
  const unknown: string[] = [];
  for (const layer of layers) {
    if (seen.has(layer.name)) {
      throw new LayerMismatchError(`${source}: layer ${layer.inputName} appears twice`);
    }
    seen.add(layer.name);
    if (!expectedSet.has(layer.name)) unknown.push(layer.inputName);
  }
  if (unknown.length > 0) {
    throw new LayerMismatchError(
      `${source}: ${listed(unknown)} ${unknown.length === 1 ? 'is not a body conv' : 'are not body convs'} of ${arch} (they are named like ${expected[0]})`,
    );
  }
  const missing = expected.filter((name) => !seen.has(name));
  if (missing.length > 0) {
    throw new LayerMismatchError(`${source}: no data for the ${arch} layer(s) ${listed(missing)}`);
  }
}

/**
 * Parses either the per-layer sensitivity JSON (`{arch, layers}`) or HAWQ's notebook data
 * (`{models: {resnet18: {...}}}`, ilp-data.json). `arch` selects the model of a notebook file
 * and must match the `arch` of a sensitivity file. Names are normalized to HAWQ module names and
 * must be exactly the body convs of the arch.
 */
export function parseSensitivity(value: unknown, source: string, arch?: string): Sensitivity {
  let raw: { arch: string; layers: LayerSensitivity[]; ties: [string, string][] };
  const notebook = notebookFileSchema.safeParse(value);
  if (notebook.success) {
    raw = fromNotebook(notebook.data.models, source, arch);
  } else {
    const parsed = sensitivityFileSchema.safeParse(value);
    if (!parsed.success) {
      throw new SensitivityFormatError(
        `${formatIssue(source, parsed.error)} (expected {arch, layers: [{name, trace, delta4, delta8, params, macs}]} or HAWQ's {models: {...}})`,
      );
    }
    if (arch !== undefined && parsed.data.arch !== arch) {
      throw new SensitivityFormatError(
        `${source} is for ${parsed.data.arch}, not for the requested arch ${arch}`,
      );
    }
    raw = { arch: parsed.data.arch, layers: parsed.data.layers, ties: parsed.data.ties ?? [] };
  }
  const layers = raw.layers.map((layer) => ({
    ...layer,
    name: toHawqName(layer.name),
    inputName: layer.name,
  }));
  checkLayers(raw.arch, layers, source);
  const known = new Set(layers.map((l) => l.name));
  const ties = raw.ties.map(([a, b]): [string, string] => {
    const pair: [string, string] = [toHawqName(a), toHawqName(b)];
    for (const [i, name] of pair.entries()) {
      if (!known.has(name)) {
        throw new LayerMismatchError(`${source}: tie names unknown layer ${i === 0 ? a : b}`);
      }
    }
    return pair;
  });
  return { arch: raw.arch, source, layers, ties };
}

/** Parses the text of a sensitivity file; JSON syntax errors name the file. */
export function parseSensitivityJson(text: string, source: string, arch?: string): Sensitivity {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SensitivityFormatError(`${source} is not valid JSON: ${(error as Error).message}`);
  }
  return parseSensitivity(value, source, arch);
}
