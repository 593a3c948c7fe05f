import { RESNET_ARCHS, resnetBodyConvNames } from '@hawq-ts/core/config';
import { UnknownArchError } from './errors.js';

/** Architectures whose body convolutions the ILP can allocate bits to (HAWQ's Q_ResNets). */
export const ILP_ARCHS: readonly string[] = RESNET_ARCHS;

/**
 * The ILP's variables for `arch`: every body convolution as a HAWQ module name, in the order of
 * HAWQ's ILP.ipynb (per unit quant_convbn1, 2, [3], then quant_identity_convbn). The stem conv and
 * the FC are not variables: HAWQ keeps them at 8 bits.
 */
export function bodyConvNames(arch: string): string[] {
  if (!ILP_ARCHS.includes(arch)) {
    throw new UnknownArchError(
      `unknown arch '${arch}' for the ILP; supported: ${ILP_ARCHS.join(', ')}`,
    );
  }
  return resnetBodyConvNames(arch);
}
