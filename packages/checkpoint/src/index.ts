export {
  type Description,
  describe,
  type JsonLeaf,
  sha256,
  type TensorSummary,
} from './describe.js';
export { DTYPE_NAMES, type DType, isDType, itemsize, type TensorData } from './dtype.js';
export { CheckpointError } from './errors.js';
export {
  type HawqCheckpoint,
  hawqCheckpoint,
  QUANTIZED_CHECKPOINT_GROUPS,
  quantizedCheckpoint,
  readHawqCheckpoint,
  type SgdParamGroup,
  sgdParamGroup,
} from './hawq-layout.js';
export {
  type LoadedCheckpoint,
  loadTorch,
  loadTorchBuffer,
  loadTorchBufferDetailed,
  loadTorchDetailed,
} from './load.js';
export type { CheckpointFormat, LoadOptions } from './options.js';
export { allowedGlobals } from './pickle/globals.js';
export {
  isPyDict,
  type PyDict,
  PyFloat,
  type PyKey,
  PyObject,
  PyOrderedDict,
  PySet,
  PyTuple,
  type PyValue,
  tuple,
} from './pyvalue.js';
export {
  encodeSafetensors,
  readSafetensors,
  readSafetensorsBuffer,
  type Safetensors,
  writeSafetensors,
} from './safetensors.js';
export { archiveNameFor, encodeTorch, saveTorch, saveTorchBuffer } from './save.js';
export { stateDictOf } from './state-dict.js';
export { Tensor } from './tensor.js';
