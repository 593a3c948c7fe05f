// HAWQ Q-models: Q_ResNet18/50/50b/101 with HAWQ's module names and the exact integer path.
export * from './build.js';
export * from './config.js';
export * from './errors.js';
export * from './float-load.js';
export * from './q-forward.js';
export * from './q-inception-index.js';
export * from './q-model.js';
export * from './q-resnet.js';
export * from './q-unit.js';
export * from './spec.js';
export * from './state-dict.js';
