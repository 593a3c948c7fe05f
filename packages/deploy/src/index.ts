// Public API of @hawq-ts/deploy.
export { type ActQuant, readActQuant } from './act-quant.js';
export { writeFileAtomic } from './atomic.js';
export { multiplierOf, requantScale } from './dyadic.js';
export {
  DeployError,
  ExactnessError,
  MalformedModelError,
  RuntimeError,
  UnsupportedModelError,
} from './errors.js';
export { exactnessReport, type LayerExactness } from './exactness.js';
export { type FromHawqOptions, integerModelFromHawq } from './from-hawq.js';
export { type GoldenCheck, type GoldenReport, runGoldenCaseOnOrt } from './golden.js';
export { packInt4, unpackInt4 } from './int4.js';
export type * from './ir.js';
export { type LoadedStateDict, loadIntegerModel, loadStateDict } from './load.js';
export { exportDequantizedFloatOnnx } from './onnx/export-dequant.js';
export { exportFloatOnnx, type FloatExportOptions } from './onnx/export-float.js';
export { type Engine, type ExportOptions, exportIntegerOnnx } from './onnx/export-int.js';
export { FLOAT32_EXACT, planSplit, type SplitPlan } from './onnx/split.js';
export {
  PACKED_FORMAT,
  packIntegerModel,
  readPacked,
  unpackIntegerModel,
  writePacked,
} from './packed.js';
export { type ReferenceResult, type RefTensor, runReference } from './reference.js';
export { runOptionsFor } from './run-policy.js';
export {
  OrtRunner,
  type OutputArray,
  type RunnerOptions,
  type RunResult,
  runOnnx,
} from './runner.js';
export type { StateDict, TensorLike } from './state-dict.js';
export {
  RESNET18,
  RESNET50,
  type SyntheticModel,
  type SyntheticSpec,
  syntheticHawqResNet,
} from './synthetic.js';
