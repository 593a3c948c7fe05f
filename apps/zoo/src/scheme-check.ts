// Does a HAWQ checkpoint fit the bit scheme its name claims? HAWQ users found mislabelled zoo
// archives (all ResNet50 downloads identical), and nothing in a checkpoint records its bits, so
// the integers themselves are the evidence: a b-bit layer's `weight_integer` lies in
// [−2^(b−1), 2^(b−1)−1], and because HAWQ scales each channel by its own max|w| / (2^(b−1)−1), its
// largest |value| is exactly 2^(b−1)−1 — a layer whose integers would fit in b−1 bits was
// quantized with fewer bits than claimed. Bias integers must fit int32; activation scales must be
// positive.
import type { Tensor } from '@hawq-ts/checkpoint';
import { type BitConfig, getBitConfig, UnknownBitConfigError } from '@hawq-ts/core/config';

export const SCHEME_PROBLEM_CATEGORIES = [
  'no-integer-weights',
  'missing-layer',
  'unexpected-layer',
  'weight-non-integer',
  'weight-out-of-range',
  'weight-too-narrow',
  'bias-out-of-int32',
  'act-scale-not-positive',
] as const;
export type SchemeProblemCategory = (typeof SCHEME_PROBLEM_CATEGORIES)[number];

export interface SchemeProblem {
  category: SchemeProblemCategory;
  /** HAWQ module name without the DataParallel `module.` prefix, or '' for the whole file. */
  module: string;
  detail: string;
}

export interface SchemeCheckResult {
  arch: string;
  scheme: string;
  ok: boolean;
  /** `weight_integer` tensors compared with their configured bits. */
  weightTensors: number;
  /** `act_scaling_factor` tensors checked for positivity. */
  actScales: number;
  /** Problems per category (categories without problems are left out). */
  counts: Partial<Record<SchemeProblemCategory, number>>;
  problems: SchemeProblem[];
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
/** HAWQ stores bias_integer as float32, where its clamp bound 2^31 − 1 rounds to 2^31. */
const INT32_MAX_AS_F32 = Math.fround(INT32_MAX);

/**
 * The bit config for an arch and a scheme in any spelling (`bops0.5`, `bops_0.5`). ResNet v1.5
 * (`resnet101b`, the zoo's ResNet101) has the v1 module names, so it falls back to the v1 config
 * when bit_config.py defines none for it. Throws UnknownBitConfigError with suggestions.
 */
export function bitConfigFor(arch: string, scheme: string): BitConfig {
  try {
    return getBitConfig(arch, scheme);
  } catch (err) {
    if (!(err instanceof UnknownBitConfigError && /^resnet\d+b$/.test(arch))) throw err;
    return getBitConfig(arch.slice(0, -1), scheme);
  }
}

/** bit_config entries of activation quantizers (quant_act*, quant_input, q_*act*) set no weights. */
function isActivationModule(name: string): boolean {
  return /act|quant_input$/.test(name.slice(name.lastIndexOf('.') + 1));
}

function stripPrefix(key: string): string {
  return key.startsWith('module.') ? key.slice('module.'.length) : key;
}

/** Range of a tensor's values, and whether all of them are integers and finite. */
function scan(t: Tensor): { min: number; max: number; integral: boolean; finite: boolean } {
  const v = t.toFloat64();
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let integral = true;
  let finite = true;
  for (let i = 0; i < v.length; i++) {
    const x = v[i] as number;
    if (!Number.isFinite(x)) finite = false;
    else if (!Number.isInteger(x)) integral = false;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  return { min, max, integral: integral && finite, finite };
}

/**
 * Checks a HAWQ state_dict (keys with or without `module.`) against a bit configuration.
 * Pure: reads the tensors, changes nothing.
 */
export function checkScheme(sd: ReadonlyMap<string, Tensor>, config: BitConfig): SchemeCheckResult {
  const problems: SchemeProblem[] = [];
  const add = (category: SchemeProblemCategory, module: string, detail: string) =>
    problems.push({ category, module, detail });
  const weights = new Map<string, Tensor>();
  const biases = new Map<string, Tensor>();
  const actScales = new Map<string, Tensor>();
  for (const [key, t] of sd) {
    const k = stripPrefix(key);
    const dot = k.lastIndexOf('.');
    const module = k.slice(0, dot);
    const leaf = k.slice(dot + 1);
    if (leaf === 'weight_integer') weights.set(module, t);
    else if (leaf === 'bias_integer') biases.set(module, t);
    else if (leaf === 'act_scaling_factor') actScales.set(module, t);
  }

  if (weights.size === 0) {
    add('no-integer-weights', '', 'no weight_integer tensors: not a HAWQ quantized checkpoint');
  } else {
    for (const [module, bits] of config.entries) {
      if (!isActivationModule(module) && !weights.has(module)) {
        add('missing-layer', module, `${bits}-bit layer has no weight_integer`);
      }
    }
  }
  for (const [module, t] of weights) {
    const bits = config.entries.get(module);
    if (bits === undefined || isActivationModule(module)) {
      add(
        'unexpected-layer',
        module,
        `weight_integer ${JSON.stringify(t.shape)} not in the scheme`,
      );
      continue;
    }
    const s = scan(t);
    const hi = 2 ** (bits - 1) - 1;
    const lo = -(2 ** (bits - 1));
    const span = `values in [${s.min}, ${s.max}]`;
    if (!s.integral) add('weight-non-integer', module, `${span} are not all integers`);
    if (s.min < lo || s.max > hi) {
      add('weight-out-of-range', module, `${bits}-bit layer has ${span}, outside [${lo}, ${hi}]`);
    } else if (bits > 2 && s.finite && Math.max(-s.min, s.max) > 0) {
      const maxAbs = Math.max(-s.min, s.max);
      if (maxAbs <= 2 ** (bits - 2) - 1) {
        add('weight-too-narrow', module, `${bits}-bit layer reaches only ±${maxAbs} (max ${hi})`);
      }
    }
  }
  for (const [module, t] of biases) {
    const s = scan(t);
    const hi = t.dtype === 'float32' ? INT32_MAX_AS_F32 : INT32_MAX;
    if (!s.integral || s.min < INT32_MIN || s.max > hi) {
      add('bias-out-of-int32', module, `bias_integer values in [${s.min}, ${s.max}]`);
    }
  }
  for (const [module, t] of actScales) {
    const s = scan(t);
    if (!(s.finite && s.min > 0)) {
      add('act-scale-not-positive', module, `act_scaling_factor in [${s.min}, ${s.max}]`);
    }
  }

  const counts: Partial<Record<SchemeProblemCategory, number>> = {};
  for (const p of problems) counts[p.category] = (counts[p.category] ?? 0) + 1;
  return {
    arch: config.arch,
    scheme: config.scheme,
    ok: problems.length === 0,
    weightTensors: weights.size,
    actScales: actScales.size,
    counts,
    problems,
  };
}

const DESCRIPTIONS: Record<SchemeProblemCategory, string> = {
  'no-integer-weights': 'the checkpoint holds no weight_integer tensors',
  'missing-layer': 'layer(s) of the scheme have no weight_integer',
  'unexpected-layer': 'weight_integer tensor(s) belong to no layer of the scheme',
  'weight-non-integer': 'weight_integer tensor(s) hold non-integer values',
  'weight-out-of-range': 'weight_integer tensor(s) exceed their bit range',
  'weight-too-narrow': 'weight_integer tensor(s) fit in fewer bits than configured',
  'bias-out-of-int32': 'bias_integer tensor(s) are not int32 integers',
  'act-scale-not-positive': 'act_scaling_factor(s) are not positive',
};

/** One warning line per problem category (count + first example), then a summary; [] when ok. */
export function schemeWarnings(r: SchemeCheckResult, file: string): string[] {
  if (r.ok) return [];
  const label = `${r.arch}/${r.scheme}`;
  const lines = SCHEME_PROBLEM_CATEGORIES.filter((c) => r.counts[c]).map((c) => {
    const first = r.problems.find((p) => p.category === c) as SchemeProblem;
    const where = first.module ? `${first.module}: ` : '';
    return `warning: ${label}: ${r.counts[c]} ${DESCRIPTIONS[c]} (e.g. ${where}${first.detail})`;
  });
  lines.push(
    `warning: ${file} does not fit ${label}: ${r.problems.length} problem(s) in ${lines.length} categor${lines.length === 1 ? 'y' : 'ies'}; the archive may be mislabelled or damaged`,
  );
  return lines;
}
