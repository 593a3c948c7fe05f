import { accountModel, getBitConfig } from '@hawq-ts/core';

export interface ComputedCosts {
  /** The size shown: conv/FC weights × bits for quantized rows, all parameters × 32 bits for FP. */
  sizeMiB: number;
  /** Conv/FC weights only (biases and BN not counted, BN folded) × bits / 8 / 2^20. */
  sizeMiBWeightsOnly: number;
  /** All PyTorchCV parameters × 4 bytes / 2^20 (how FP32 model files are sized). */
  sizeMiBAllParams: number;
  gbops: number;
}

export interface CostOptions {
  inputSize?: number;
  numClasses?: number;
}

/**
 * Size and BOPS of `arch` under a bit_config scheme (null = FP32), from core's per-layer
 * accounting: first conv and FC at 8 bits as every released config sets them, activation bits
 * of each layer's input quantizer, "MB" = MiB.
 */
export function computeCosts(
  arch: string,
  scheme: string | null,
  opts: CostOptions = {},
): ComputedCosts {
  const account = accountModel(arch, scheme === null ? 'fp32' : getBitConfig(arch, scheme), opts);
  return {
    sizeMiB: scheme === null ? account.sizeMiBAllParams : account.sizeMiB,
    sizeMiBWeightsOnly: account.sizeMiB,
    sizeMiBAllParams: account.sizeMiBAllParams,
    gbops: account.gbops,
  };
}
