// Public API of @hawq-ts/trainer.

export {
  isInceptionArch,
  isInceptionStateDict,
  type QModelBuildOptions,
  qModelFromFloatStateDict,
  qModelFromHawqStateDict,
} from './build.js';
export {
  BEST_FILE,
  CHECKPOINT_FILE,
  type CheckpointMeta,
  checkpointDict,
  type LoadedResume,
  loadResume,
  QUANTIZED_FILE,
  RESUME_FILE,
  type ResumePosition,
  restoreBnCounters,
  saveEpochCheckpoint,
  saveMidEpoch,
  saveQuantizedCheckpoint,
} from './checkpoint.js';
export { ResumeError, TrainerError } from './errors.js';
export { type FloatTrainOptions, floatEngine, trainFloat } from './float.js';
export {
  createQModelEngine,
  evaluateExact,
  type QModelForwardOptions,
  qModelForward,
  TRAINABLE_Q_ARCHS,
} from './forward.js';
export {
  type FitResult,
  QatTrainer,
  type Teacher,
  type TrainBatch,
  type TrainerOptions,
  type TrainSource,
} from './loop.js';
export { crossEntropy, type KdOptions, kdNaiveLoss } from './loss.js';
export { checkQatCase, type QatCheckResult, type QatTolerance } from './qat-check.js';
export { cosineLr, type LrSchedule, lrAt, stepLr } from './schedule.js';
export { Sgd, type SgdOptions } from './sgd.js';
export { type StepInput, type StepResult, trainStep } from './step.js';
