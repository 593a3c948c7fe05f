// Public API of @hawq-ts/core. Each area keeps its own barrel.
export * from './accounting/index.js';
export * from './arch/index.js';
export * from './backend/index.js';
export * from './bitconfig/index.js';
export * from './kernels/index.js';
export * from './quant/index.js';
