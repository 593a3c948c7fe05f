export { BitConfigError, UnknownBitConfigError } from './errors.js';
export { inceptionUniformConfig } from './generate-inception.js';
export { bitConfigFromConvBits, resnetBodyConvNames } from './generate-resnet.js';
export { bitConfigToJson, isValidBits, parseBitConfigJson } from './json.js';
export {
  type BitConfigListing,
  getBitConfig,
  listBitConfigs,
  normalizeScheme,
} from './registry.js';
export { MIXED_SCHEMES, type MixedScheme } from './tables.js';
export type { BitConfig } from './types.js';
