// What the results JSON says about the evaluated network beyond its arch name, so `pnpm tables`
// can account size/BOPS for non-standard widths (the Fashion-MNIST model) and file bit configs.
import type { BitConfig } from '@hawq-ts/core';
import { type QModel, QResNet, type QResNetSpec } from '@hawq-ts/models';

export interface ModelDescription {
  numClasses: number;
  /** PyTorchCV's per-stage output channels and the init block's: resnet18 = 64 / 64,128,256,512. */
  channels: { init: number; stages: number[] };
}

export function describeQResNet(spec: QResNetSpec): ModelDescription {
  const stages = new Map<string, number>();
  for (const u of spec.units) stages.set(u.name.split('.')[0]!, u.outChannels);
  return {
    numClasses: spec.numClasses,
    channels: { init: spec.initChannels, stages: [...stages.values()] },
  };
}

export function describeQModel(model: QModel): ModelDescription | undefined {
  return model instanceof QResNet ? describeQResNet(model.spec) : undefined;
}

/** The bit config as a plain {module: bits} object (for schemes read from a file). */
export function bitConfigObject(c: BitConfig): Record<string, number> {
  return Object.fromEntries(c.entries);
}
