// `@hawq-ts/core/config`: bit configs, architecture descriptions and size/BOPS accounting
// without loading tfjs (~0.7 s at start-up), for CLIs and tools that never run a model.
export * from './accounting/index.js';
export * from './arch/index.js';
export * from './bitconfig/index.js';
