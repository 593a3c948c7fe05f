// Public API of @hawq-ts/hessian: per-layer Hessian traces and quantization perturbations.
export { HessianError, HessianOptionError, LayerSelectionError } from './errors.js';
export { exactTraces, hessianBlock } from './exact.js';
export {
  type HutchinsonOptions,
  hutchinsonTraces,
  type LayerTrace,
  PYHESSIAN_MAX_ITER,
  PYHESSIAN_TOL,
  type TraceTarget,
} from './hutchinson.js';
export {
  hessianVectorProduct,
  hessianVectorProductSum,
  type LossFn,
  type LossPart,
} from './hvp.js';
export { hawqLatencies, type LayerLatency } from './latency.js';
export { type QuantLayer, resnetBodyLayers } from './layers.js';
export { crossEntropy } from './loss.js';
export { floatResNetFromStateDict, isHawqStateDict } from './model.js';
export { quantPerturbation } from './perturbation.js';
export { RademacherStream } from './rademacher.js';
export { registerSecondOrderGradients } from './second-order.js';
export {
  computeSensitivity,
  type DataBatch,
  type SensitivityEntry,
  type SensitivityOptions,
  type SensitivityReport,
  type SensitivityResult,
} from './sensitivity.js';
