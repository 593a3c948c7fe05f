// @hawq-ts/zoo: the 27 published HAWQ-V3 models, and a robust Google Drive downloader + cache.

export { type FileKind, fileKind } from './archive/contents.js';
export { ArchiveExtractor, type ExtractedFile, type ExtractResult } from './archive/extract.js';
export { cacheRoot, MANIFEST_FILE, type ModelPaths, modelPaths } from './cache/paths.js';
export { bulkReadAgent, createBulkReadAgent, READ_BUFFER_BYTES } from './download/bulk-agent.js';
export { attachmentFilename, parseContentRange } from './download/content-range.js';
export { type TransferEvent, type TransferResult, transfer } from './download/resume.js';
export { defaultRetryPolicy, parseRetryAfter, type RetryPolicy } from './download/retry.js';
export { DEFAULT_USER_AGENT } from './drive/client.js';
export { classifyPage, type PageVerdict } from './drive/pages.js';
export {
  DRIVE_ORIGIN,
  type DriveLink,
  type DriveLinkKind,
  firstRequestUrl,
  isDriveId,
  parseDriveFileLink,
  parseDriveLink,
} from './drive/url.js';
export * from './errors.js';
export type { ZooEvent, ZooEventHandler, ZooOptions } from './events.js';
export { type FetchOptions, type FetchResult, fetchModel } from './fetch.js';
export { type ImportResult, importArchive } from './import.js';
export { listModels, type ModelStatus, modelDir, modelManifest } from './installed.js';
export { type Manifest, type ManifestSource, readManifest } from './manifest.js';
export { canonicalModelName, findModel, nearestModelNames, resolveModel } from './names.js';
export {
  archiveName,
  findModelByFileId,
  isBaseline,
  ZOO_MODELS,
  type ZooArch,
  type ZooModel,
} from './registry.js';
export { type RemoveResult, removeModel } from './remove.js';
export { type FileCheck, sha256File, type VerifyReport, verifyModel } from './verify.js';
