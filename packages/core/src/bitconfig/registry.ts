import { UnknownBitConfigError } from './errors.js';
import { inceptionUniformConfig } from './generate-inception.js';
import { bitConfigFromConvBits, resnetBodyConvNames, tableRowToModule } from './generate-resnet.js';
import { nearest } from './levenshtein.js';
import { MIXED_SCHEMES, RESNET18_BODY_BITS, RESNET50_BODY_BITS } from './tables.js';
import type { BitConfig } from './types.js';

const UNIFORM = ['uniform8', 'uniform4'] as const;

/** (arch, scheme) pairs of bit_config.py's ResNet/InceptionV3 part, in its order. */
const CATALOGUE: readonly { arch: string; schemes: readonly string[] }[] = [
  { arch: 'resnet18', schemes: [...UNIFORM, ...MIXED_SCHEMES] },
  { arch: 'resnet50', schemes: [...UNIFORM, ...MIXED_SCHEMES] },
  { arch: 'resnet50b', schemes: UNIFORM },
  { arch: 'resnet101', schemes: UNIFORM },
  { arch: 'inceptionv3', schemes: UNIFORM },
];

/** bit_config.py's `(8, 'hook')` entries of the two InceptionV3 schemes. */
const INCEPTION_HOOKS: Record<string, readonly string[]> = {
  uniform8: ['features.stage1.unit2.branches.branch1.q_input_act'],
  uniform4: ['features.q_init_block.q_input_activ'],
};

export interface BitConfigListing {
  arch: string;
  scheme: string;
  /** The dict key in bit_config.py, e.g. `bit_config_resnet18_bops_0.5`. */
  key: string;
}

export function listBitConfigs(): BitConfigListing[] {
  return CATALOGUE.flatMap(({ arch, schemes }) =>
    schemes.map((scheme) => ({ arch, scheme, key: `bit_config_${arch}_${scheme}` })),
  );
}

/**
 * Maps the model-zoo spellings (`bops0.5`, `size0.5`, `latency0.25`) and HAWQ's own
 * (`bops_0.5`, `modelsize_0.5`) to the bit_config scheme name.
 */
export function normalizeScheme(scheme: string): string {
  const s = scheme.trim().toLowerCase();
  const m = /^(size|modelsize|bops|latency)_?(0?\.\d+)$/.exec(s);
  if (!m) return s;
  const kind = m[1] === 'size' ? 'modelsize' : m[1]!;
  const ratio = m[2]!.startsWith('.') ? `0${m[2]}` : m[2]!;
  return `${kind}_${ratio}`;
}

const cache = new Map<string, BitConfig>();

/** One of the 28 ResNet/InceptionV3 schemes of HAWQ's bit_config.py, generated from its tables. */
export function getBitConfig(arch: string, scheme: string): BitConfig {
  const normalized = normalizeScheme(scheme);
  const key = `${arch}/${normalized}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const entry = CATALOGUE.find((c) => c.arch === arch);
  if (!entry?.schemes.includes(normalized)) {
    const all = listBitConfigs().map((l) => `${l.arch}/${l.scheme}`);
    throw new UnknownBitConfigError(arch, scheme, nearest(`${arch}/${normalized}`, all));
  }
  const config = build(arch, normalized);
  cache.set(key, config);
  return config;
}

function build(arch: string, scheme: string): BitConfig {
  if (arch === 'inceptionv3') {
    return inceptionUniformConfig(scheme === 'uniform8' ? 8 : 4, scheme, INCEPTION_HOOKS[scheme]!);
  }
  const bits = new Map<string, number>();
  if (scheme === 'uniform8' || scheme === 'uniform4') {
    const b = scheme === 'uniform8' ? 8 : 4;
    for (const name of resnetBodyConvNames(arch)) bits.set(name, b);
  } else {
    const column = (MIXED_SCHEMES as readonly string[]).indexOf(scheme);
    const table = arch === 'resnet18' ? RESNET18_BODY_BITS : RESNET50_BODY_BITS;
    for (const [row, digits] of table) bits.set(tableRowToModule(row), Number(digits[column]));
  }
  return bitConfigFromConvBits(arch, bits, scheme);
}
