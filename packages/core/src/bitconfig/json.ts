import { BitConfigError } from './errors.js';
import type { BitConfig } from './types.js';

/** Bit widths a user config may use: the quantizers support 2–16 bits; 32 means "keep int32". */
export function isValidBits(bits: unknown): bits is number {
  return (
    Number.isInteger(bits) && (((bits as number) >= 2 && (bits as number) <= 16) || bits === 32)
  );
}

/**
 * Parses a user bit config. Accepted forms:
 * - `{ "stage1.unit1.quant_act": 8, … }` — HAWQ's dict, `(8, 'hook')` written as `[8, "hook"]`;
 * - `{ "arch": "resnet18", "scheme": "mine", "entries": { … } }`.
 * Module names are HAWQ's `named_modules()` names (no DataParallel `module.` prefix).
 */
export function parseBitConfigJson(text: string, source: string): BitConfig {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new BitConfigError(`${source}: not valid JSON (${(err as Error).message})`);
  }
  if (!isPlainObject(doc)) throw new BitConfigError(`${source}: expected a JSON object`);
  let arch = 'custom';
  let scheme = source;
  let body: Record<string, unknown> = doc;
  if ('entries' in doc) {
    if (!isPlainObject(doc.entries)) {
      throw new BitConfigError(`${source}: 'entries' must be an object of module name → bits`);
    }
    if (doc.arch !== undefined && typeof doc.arch !== 'string') {
      throw new BitConfigError(`${source}: 'arch' must be a string`);
    }
    if (doc.scheme !== undefined && typeof doc.scheme !== 'string') {
      throw new BitConfigError(`${source}: 'scheme' must be a string`);
    }
    arch = (doc.arch as string | undefined) ?? arch;
    scheme = (doc.scheme as string | undefined) ?? scheme;
    body = doc.entries;
  }
  const entries = new Map<string, number>();
  const hooks = new Set<string>();
  for (const [name, value] of Object.entries(body)) {
    if (name.startsWith('module.')) {
      throw new BitConfigError(
        `${source}: key '${name}': use the module name without the DataParallel 'module.' prefix`,
      );
    }
    if (!/^[A-Za-z_][\w.]*$/.test(name)) {
      throw new BitConfigError(`${source}: key '${name}' is not a module name`);
    }
    let bits: unknown = value;
    if (Array.isArray(value)) {
      if (value.length !== 2 || value[1] !== 'hook') {
        throw new BitConfigError(`${source}: key '${name}': a list must be [bits, "hook"]`);
      }
      bits = value[0];
      hooks.add(name);
    }
    if (!isValidBits(bits)) {
      throw new BitConfigError(
        `${source}: key '${name}': bits must be an integer in 2..16 or 32, got ${JSON.stringify(bits)}`,
      );
    }
    entries.set(name, bits);
  }
  if (entries.size === 0) throw new BitConfigError(`${source}: the bit config has no entries`);
  return { arch, scheme, entries, hooks };
}

/** The inverse of parseBitConfigJson (wrapped form), e.g. to save a generated config. */
export function bitConfigToJson(config: BitConfig): string {
  const entries: Record<string, number | [number, 'hook']> = {};
  for (const [name, bits] of config.entries) {
    entries[name] = config.hooks.has(name) ? [bits, 'hook'] : bits;
  }
  return `${JSON.stringify({ arch: config.arch, scheme: config.scheme, entries }, null, 2)}\n`;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
