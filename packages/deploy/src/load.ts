// Load HAWQ checkpoints and float state_dicts with @hawq-ts/checkpoint.
import { loadTorch, stateDictOf, type Tensor } from '@hawq-ts/checkpoint';
import { integerModelFromHawq } from './from-hawq.js';
import type { IntegerModel } from './ir.js';

export interface LoadedStateDict {
  stateDict: Map<string, Tensor>;
  /** The checkpoint's 'arch' entry, when it has one (quant_train.py stores it). */
  arch?: string;
}

export async function loadStateDict(file: string): Promise<LoadedStateDict> {
  const value = await loadTorch(file);
  const arch =
    value instanceof Map && typeof value.get('arch') === 'string'
      ? (value.get('arch') as string)
      : undefined;
  return { stateDict: stateDictOf(value, file), ...(arch ? { arch } : {}) };
}

/** Load a HAWQ checkpoint (.pth.tar) and build its IntegerModel. */
export async function loadIntegerModel(
  file: string,
  opts: { arch?: string } = {},
): Promise<IntegerModel> {
  const { stateDict, arch } = await loadStateDict(file);
  const a = opts.arch ?? arch;
  return integerModelFromHawq(stateDict, { source: file, ...(a ? { arch: a } : {}) });
}
