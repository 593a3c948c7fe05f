// Q_InceptionV3: HAWQ's quantized InceptionV3 with its module names and the exact integer path.
export * from './q-inception.js';
export * from './q-inception-branch.js';
export * from './q-inception-build.js';
export * from './q-inception-concat.js';
export * from './q-inception-forward.js';
export * from './q-inception-random.js';
export * from './q-inception-spec.js';
