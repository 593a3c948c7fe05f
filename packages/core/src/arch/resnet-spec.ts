import { UnknownArchError } from './errors.js';

/**
 * Shape of a PyTorchCV ResNet (`pytorchcv.models.resnet.ResNet`): enough to rebuild the module
 * tree, its state_dict names and HAWQ's Q_ResNet module names.
 */
export interface ResNetSpec {
  /** PyTorchCV / HAWQ arch name, e.g. resnet50b; custom specs may use any label. */
  arch: string;
  bottleneck: boolean;
  /** Units per stage, e.g. [2,2,2,2]. */
  layers: readonly number[];
  /** Output channels of each stage (bottleneck: the expanded width, mid = width / 4). */
  widths: readonly number[];
  initChannels: number;
  /** true = ResNet v1 (stride in the bottleneck's 1×1 conv1), false = v1.5 'b' variants. */
  conv1Stride: boolean;
  numClasses: number;
}

export const RESNET_ARCHS = [
  'resnet18',
  'resnet50',
  'resnet50b',
  'resnet101',
  'resnet101b',
] as const;
export type ResNetArch = (typeof RESNET_ARCHS)[number];

const BASIC_WIDTHS = [64, 128, 256, 512] as const;
const BOTTLENECK_WIDTHS = [256, 512, 1024, 2048] as const;

export function resnetSpec(arch: string, numClasses = 1000): ResNetSpec {
  const bottleneck = arch !== 'resnet18';
  const layers: Record<ResNetArch, number[]> = {
    resnet18: [2, 2, 2, 2],
    resnet50: [3, 4, 6, 3],
    resnet50b: [3, 4, 6, 3],
    resnet101: [3, 4, 23, 3],
    resnet101b: [3, 4, 23, 3],
  };
  if (!(RESNET_ARCHS as readonly string[]).includes(arch)) {
    throw new UnknownArchError(arch, RESNET_ARCHS);
  }
  return {
    arch,
    bottleneck,
    layers: layers[arch as ResNetArch],
    widths: bottleneck ? BOTTLENECK_WIDTHS : BASIC_WIDTHS,
    initChannels: 64,
    conv1Stride: !arch.endsWith('b'),
    numClasses,
  };
}

export interface ResNetUnit {
  stage: number; // 1-based, as in the module names
  unit: number; // 1-based
  inChannels: number;
  outChannels: number;
  stride: number;
  /** PyTorchCV's resize_identity: a 1×1 identity_conv exists. */
  resizeIdentity: boolean;
}

/** Units in module order, with PyTorchCV's stride/resize rules (stride 2 on unit1 of stages 2–4). */
export function resnetUnits(spec: ResNetSpec): ResNetUnit[] {
  const units: ResNetUnit[] = [];
  let inChannels = spec.initChannels;
  spec.layers.forEach((count, s) => {
    const outChannels = spec.widths[s]!;
    for (let u = 0; u < count; u++) {
      const stride = u === 0 && s !== 0 ? 2 : 1;
      units.push({
        stage: s + 1,
        unit: u + 1,
        inChannels,
        outChannels,
        stride,
        resizeIdentity: inChannels !== outChannels || stride !== 1,
      });
      inChannels = outChannels;
    }
  });
  return units;
}

/** HAWQ's name for the stem conv differs between Q_ResNet18 and Q_ResNet50/101. */
export function hawqInitConvName(spec: Pick<ResNetSpec, 'bottleneck'>): string {
  return spec.bottleneck ? 'quant_init_convbn' : 'quant_init_block_convbn';
}
