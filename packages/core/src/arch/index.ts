export {
  type DescribeArchOptions,
  describeArch,
  KNOWN_ARCHS,
  type KnownArch,
  totalMacs,
  totalParams,
} from './describe.js';
export { describeInception } from './describe-inception.js';
export { describeResNet } from './describe-resnet.js';
export { UnknownArchError } from './errors.js';
export {
  branchOutChannels,
  INCEPTION_BN_EPS,
  INCEPTION_FINAL_CHANNELS,
  INCEPTION_INIT_BLOCK,
  INCEPTION_INPUT_SIZE,
  INCEPTION_UNITS,
  type InceptBranch,
  type InceptConvDef,
  type InceptUnit,
  seq3x3SplitConvs,
} from './inception-spec.js';
export { type ConvGeometry, convOut, type LayerSpec } from './layer-spec.js';
export {
  hawqInitConvName,
  RESNET_ARCHS,
  type ResNetArch,
  type ResNetSpec,
  type ResNetUnit,
  resnetSpec,
  resnetUnits,
} from './resnet-spec.js';
