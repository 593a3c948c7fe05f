export {
  createPytorchcvModel,
  createResNet,
  type FromStateDictOptions,
  inferResNetSpec,
  PYTORCHCV_ARCHS,
  type PytorchcvArch,
  pytorchcvFromStateDict,
} from './create.js';
export { ModelInputError, StateDictError } from './errors.js';
export type { FloatModel } from './float-model.js';
export { PytorchcvInceptionV3 } from './inception.js';
export { PytorchcvResNet } from './resnet.js';
