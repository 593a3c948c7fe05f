import { describeArch, type LayerSpec } from '../arch/index.js';
import type { BitConfig } from '../bitconfig/index.js';

export interface LayerAccount {
  name: string;
  params: number;
  macs: number;
  weightBits: number;
  activationBits: number;
  /** params × weightBits / 8. */
  bytes: number;
  /** MACs × weightBits × activationBits. */
  bops: number;
}

export interface ModelAccount {
  /** Σ weight params × b_w / 8 / 2^20 — HAWQ's "MB" (biases and BN not counted, BN folded). */
  sizeMiB: number;
  /**
   * All PyTorchCV parameters (incl. BN γ/β and the FC bias) at 4 bytes / 2^20 — how the zoo
   * reports FP32 sizes. Equals sizeMiB's FP32 value plus the non-weight parameters.
   */
  sizeMiBAllParams: number;
  /** Σ MACs × b_w × b_a / 1e9. */
  gbops: number;
  totalMacs: number;
  totalParams: number;
  perLayer: LayerAccount[];
}

export class AccountingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AccountingError';
  }
}

export interface AccountOptions {
  inputSize?: number;
  numClasses?: number;
  /** Use these layers instead of describeArch(arch) (e.g. narrow custom ResNets). */
  layers?: readonly LayerSpec[];
}

/**
 * Model size and BOPS of an architecture under a bit config (hawq-spec §6): each conv/FC counts
 * its weight bits and the bits of the activation quantizer feeding it; 'fp32' counts 32×32.
 * A layer missing from the config is an error (no silent default).
 */
export function accountModel(
  arch: string,
  config: BitConfig | 'fp32',
  opts: AccountOptions = {},
): ModelAccount {
  const layers =
    opts.layers ??
    describeArch(arch, {
      ...(opts.inputSize === undefined ? {} : { inputSize: opts.inputSize }),
      ...(opts.numClasses === undefined ? {} : { numClasses: opts.numClasses }),
    });
  const bitsOf = (name: string, role: string): number => {
    if (config === 'fp32') return 32;
    const b = config.entries.get(name);
    if (b === undefined) {
      throw new AccountingError(
        `bit config ${config.arch}/${config.scheme} has no entry for ${role} '${name}' of ${arch}`,
      );
    }
    return b;
  };
  const perLayer = layers.map((l): LayerAccount => {
    const weightBits = bitsOf(l.name, 'layer');
    const activationBits = bitsOf(l.inputQuantizer, 'activation quantizer');
    return {
      name: l.name,
      params: l.params,
      macs: l.macs,
      weightBits,
      activationBits,
      bytes: (l.params * weightBits) / 8,
      bops: l.macs * weightBits * activationBits,
    };
  });
  const sum = (f: (l: LayerAccount) => number) => perLayer.reduce((n, l) => n + f(l), 0);
  const allParams = layers.reduce((n, l) => n + l.params + l.extraParams, 0);
  return {
    sizeMiB: sum((l) => l.bytes) / 2 ** 20,
    sizeMiBAllParams: (allParams * 4) / 2 ** 20,
    gbops: sum((l) => l.bops) / 1e9,
    totalMacs: sum((l) => l.macs),
    totalParams: allParams,
    perLayer,
  };
}
