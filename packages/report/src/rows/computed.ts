import {
  accountModel,
  type BitConfig,
  describeArch,
  describeResNet,
  getBitConfig,
  type LayerSpec,
  RESNET_ARCHS,
  resnetSpec,
} from '@hawq-ts/core/config';
import { ReportError } from '../errors.js';

export interface ComputedCosts {
  /** The size shown: conv/FC weights × bits for quantized rows, all parameters × 32 bits for FP. */
  sizeMiB: number;
  /** Conv/FC weights only (biases and BN not counted, BN folded) × bits / 8 / 2^20. */
  sizeMiBWeightsOnly: number;
  /** All PyTorchCV parameters × 4 bytes / 2^20 (how FP32 model files are sized). */
  sizeMiBAllParams: number;
  gbops: number;
}

/** ResNet widths: stem conv output and each stage's output channels (as in the results JSON). */
export interface ResNetChannels {
  init: number;
  stages: readonly number[];
}

export interface CostOptions {
  inputSize?: number;
  numClasses?: number;
  /** Non-standard ResNet widths (a narrow ResNet18); default the architecture's own. */
  channels?: ResNetChannels | null;
  /**
   * An explicit HAWQ bit config (module name → bits) instead of the scheme's built-in one, e.g.
   * a Hessian/ILP choice given to quant-train as `file:config.json`. Ignored for FP (scheme null).
   */
  bitConfig?: Readonly<Record<string, number>> | null;
}

/** The layer list of `arch` with the given widths: PyTorchCV's ResNet structure, other widths. */
export function customResNetLayers(
  arch: string,
  channels: ResNetChannels,
  inputSize: number,
  numClasses: number,
): LayerSpec[] {
  if (!(RESNET_ARCHS as readonly string[]).includes(arch)) {
    throw new ReportError(
      `channels are given for ${arch}, but custom widths are supported for ${RESNET_ARCHS.join(', ')} only`,
    );
  }
  const spec = resnetSpec(arch, numClasses);
  if (channels.stages.length !== spec.layers.length) {
    throw new ReportError(
      `channels.stages has ${channels.stages.length} widths, ${arch} has ${spec.layers.length} stages`,
    );
  }
  if (spec.bottleneck && channels.stages.some((w) => w % 4 !== 0)) {
    throw new ReportError(
      `channels.stages ${channels.stages.join('/')}: ${arch} is a bottleneck ResNet, its stage widths must be multiples of 4`,
    );
  }
  return describeResNet(
    { ...spec, initChannels: channels.init, widths: [...channels.stages] },
    inputSize,
  );
}

/** A results file's explicit bit config as core's BitConfig (no hooks: they do not change costs). */
function explicitConfig(
  arch: string,
  label: string,
  map: Readonly<Record<string, number>>,
): BitConfig {
  return { arch, scheme: label, entries: new Map(Object.entries(map)), hooks: new Set() };
}

/**
 * Size and BOPS of `arch` under a bit_config scheme (null = FP32), from core's per-layer
 * accounting: first conv and FC at 8 bits as every released config sets them, activation bits
 * of each layer's input quantizer, "MB" = MiB. With `channels` the layers are those of the
 * narrower/wider ResNet; with `bitConfig` the bits are the given map (every conv/FC and every
 * activation quantizer feeding one must be in it: a missing entry is an error, not a default).
 */
export function computeCosts(
  arch: string,
  scheme: string | null,
  opts: CostOptions = {},
): ComputedCosts {
  const { inputSize, numClasses = 1000 } = opts;
  const layers = opts.channels
    ? customResNetLayers(arch, opts.channels, inputSize ?? 224, numClasses)
    : describeArch(arch, { ...(inputSize === undefined ? {} : { inputSize }), numClasses });
  const config =
    scheme === null
      ? 'fp32'
      : opts.bitConfig
        ? explicitConfig(arch, scheme, opts.bitConfig)
        : getBitConfig(arch, scheme);
  const account = accountModel(arch, config, { layers });
  return {
    sizeMiB: scheme === null ? account.sizeMiBAllParams : account.sizeMiB,
    sizeMiBWeightsOnly: account.sizeMiB,
    sizeMiBAllParams: account.sizeMiBAllParams,
    gbops: account.gbops,
  };
}
