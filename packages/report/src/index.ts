// @hawq-ts/report: HAWQ-V3's results tables rebuilt from computed size/BOPS, measured accuracy
// and speed-up, with the published values beside them; Markdown, CSV, JSON and HTML output.

export {
  EvaluationError,
  EvaluatorMissingError,
  MergeConflictError,
  ReportError,
  ResultsFileError,
  ShardSpecError,
} from './errors.js';
export {
  type EvaluateFn,
  type EvaluationJob,
  type FetchFn,
  pendingEvaluations,
  type RunOptions,
  runEvaluations,
} from './evaluate/run.js';
export { toCsv } from './format/csv.js';
export { toHtml } from './format/html.js';
export { type JsonRow, toJson, toJsonRow } from './format/json.js';
export { toMarkdown } from './format/markdown.js';
export { paretoFront } from './format/pareto.js';
export {
  BUNDLED_RESULTS_DIR,
  FASHION_MNIST_SUBDIR,
  type LoadedResults,
  loadResults,
} from './load.js';
export {
  asFashionMnist,
  datasetKind,
  evaluationKey,
  isFloatScheme,
  isImagenetResult,
  zooModelOf,
} from './results/match.js';
export { type MergedResult, mergeResults } from './results/merge.js';
export { readResultsFile, writeFileAtomic } from './results/read.js';
export {
  type EngineComparisonResult,
  type EvalResult,
  evalResultSchema,
  looksLikeEvalResults,
  parseResultsJson,
  type ResultsFile,
  resultsEnvelopeSchema,
} from './results/schema.js';
export { parseShard, type Shard, shardItems } from './results/shard.js';
export { type BuildOptions, buildReport, DISPLAY_ARCH, IMAGENET_VAL_IMAGES } from './rows/build.js';
export {
  type ComputedCosts,
  type CostOptions,
  computeCosts,
  customResNetLayers,
  type ResNetChannels,
} from './rows/computed.js';
export {
  type FashionDeployMeasurements,
  type FashionSpeedup,
  type FashionTiming,
  fashionSpeedupFor,
  parseDeployFashionResults,
  readDeployFashionResults,
} from './rows/deploy-fashion-results.js';
export {
  type CpuSpeedup,
  type DeployMeasurements,
  parseDeployResults,
  readDeployResults,
  SPEEDUP_BATCH,
} from './rows/deploy-results.js';
export { differs, PUBLISHED_DECIMALS } from './rows/discrepancies.js';
export { ENGINE_CHECK_NOTE, FASHION_CPU_NOTE, fashionMnistTable } from './rows/fashion-mnist.js';
export {
  FMNIST_CLASSES,
  FMNIST_INPUT,
  fashionModelIdentity,
  type ModelIdentity,
  sameModel,
  sameStructure,
} from './rows/model-identity.js';
export { t4EstimateFor, t4SpeedupOverW8A8 } from './rows/t4-estimate.js';
export type {
  EngineCheck,
  Measurement,
  NoteColumn,
  PublishedValues,
  Report,
  ReportRow,
  ReportTable,
  TableLayout,
  Top1Source,
} from './rows/types.js';
export { T4_LATENCY, type T4LatencyTable } from './t4-latency.js';
