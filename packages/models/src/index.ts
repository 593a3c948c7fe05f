// Public API of @hawq-ts/models. Each area keeps its own barrel.
export * from './hawq/index.js';
export * from './pytorchcv/index.js';
