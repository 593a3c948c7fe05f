// Public API of @hawq-ts/evaluator.
export { type BatchScore, rankOfLabel, scoreBatch } from './accuracy.js';
export { type EngineComparison, EngineComparisonMeter } from './compare.js';
export {
  createOrtEngine,
  createTfjsEngine,
  ENGINE_NAMES,
  type EngineName,
  type InferenceEngine,
  type OrtEngineName,
  type OrtEngineOptions,
  parseEngineName,
} from './engines.js';
export { EvaluatorError, UnknownEngineError } from './errors.js';
export { type EvalBatch, type EvalResult, type EvaluateOptions, evaluate } from './evaluate.js';
export { AverageMeter } from './meter.js';
export { PerClassAccuracy } from './per-class.js';
export { createProgressBar, type ProgressBar, type ProgressOptions } from './progress.js';
export {
  type EvalResultsFile,
  type ResNetChannels,
  resultsFile,
  sha256OfFile,
  writeJsonAtomic,
} from './results.js';
