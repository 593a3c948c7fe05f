export { type BatchJob, runBatch } from './batch.js';
export { decodeImage, decodeImageFile } from './decode.js';
export {
  ClassMismatchError,
  DataError,
  DataOptionError,
  DestinationExistsError,
  EmptyClassError,
  IdxFormatError,
  ImageDecodeError,
  MissingSplitError,
  NoClassesError,
} from './errors.js';
export {
  type ConvertFashionMnistOptions,
  type ConvertFashionMnistResult,
  convertFashionMnist,
  FASHION_MNIST_CLASSES,
  FASHION_MNIST_DIR,
  FASHION_MNIST_FOLDERS,
  type FashionMnistSplit,
  readFashionMnist,
} from './fashion-mnist.js';
export {
  assertSameClasses,
  IMAGE_EXTENSIONS,
  type ImageFolderListing,
  type Sample,
  type Split,
  scanImageFolder,
  scanImageNetSplit,
} from './folder.js';
export { type IdxArray, type IdxData, parseIdx, readIdxFile } from './idx.js';
export { type RgbImage, rgbImage } from './image.js';
export { type Batch, DataLoader, type DataLoaderOptions } from './loader.js';
export {
  applyTransform,
  type CompiledTransform,
  compileTransform,
  type EvalTransform,
  type EvalTransformOptions,
  evalTransformFor,
  type TrainTransform,
  type TransformSpec,
  trainTransformFor,
  transformImage,
} from './pipeline.js';
export { compareCodePoints, pyRound } from './pymath.js';
export { crop, type Region, resampleCoefficients, resizeBilinear } from './resample.js';
export { mixSeed, Rng } from './rng.js';
export { dataPercentageSubset, subsetIndices, subsetSize } from './subset.js';
export {
  type CropBox,
  centerCrop,
  centerCropBox,
  hflipInPlace,
  IMAGENET_NORMALIZATION,
  type Normalization,
  normalizationTable,
  type RandomResizedCropOptions,
  RRC_DEFAULTS,
  randomResizedCrop,
  randomResizedCropBox,
  resizeCenterCrop,
  resizedSize,
  resizeShortSide,
  toNormalizedChw,
} from './transforms.js';
