import type { Tensor } from '@hawq-ts/checkpoint';
import { type FloatModel, floatStateDictOfHawq, pytorchcvFromStateDict } from '@hawq-ts/models';

/** True for a HAWQ Q-model state_dict (`quant_*` modules, optionally under `module.`). */
export function isHawqStateDict(sd: ReadonlyMap<string, Tensor>): boolean {
  return [...sd.keys()].some((k) => /(^|\.)quant_/.test(k));
}

/**
 * The float PyTorchCV ResNet of a checkpoint's state_dict: a PyTorchCV float state_dict as is,
 * or a HAWQ checkpoint through its float parameters (conv.weight, bn.*, quant_output.weight/bias;
 * the quantizer buffers are ignored). The Hessian is that of this float network in eval mode,
 * as HAWQ computed it on the pretrained float model before quantization.
 */
export function floatResNetFromStateDict(
  sd: ReadonlyMap<string, Tensor>,
  arch?: string,
): FloatModel {
  const float = isHawqStateDict(sd) ? floatStateDictOfHawq(sd) : sd;
  return pytorchcvFromStateDict(float, arch ? { arch } : {});
}
