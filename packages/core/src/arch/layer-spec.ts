/** One weight layer (conv or FC) of a network, with HAWQ's and PyTorchCV's names for it. */
export interface LayerSpec {
  /** HAWQ module name, e.g. `stage2.unit1.quant_convbn1`, `quant_init_convbn`, `quant_output`. */
  name: string;
  /** PyTorchCV module name, e.g. `features.stage2.unit1.body.conv1.conv`, `output`. */
  pytorchcvName: string;
  kind: 'conv' | 'linear';
  inChannels: number;
  outChannels: number;
  kernel: [number, number];
  stride: number;
  padding: [number, number];
  /** Spatial size [H, W] of the layer input and output (1×1 for the FC). */
  inputSize: [number, number];
  outputSize: [number, number];
  /** Weight parameters only (no bias, no BN). */
  params: number;
  /** Parameters PyTorchCV stores besides the weight: BN γ/β for conv blocks, the FC bias. */
  extraParams: number;
  macs: number;
  /** HAWQ name of the activation quantizer whose output this layer consumes. */
  inputQuantizer: string;
}

/** Output extent of a conv or pool along one axis (PyTorch floor semantics). */
export function convOut(size: number, kernel: number, stride: number, padding: number): number {
  return Math.floor((size + 2 * padding - kernel) / stride) + 1;
}

export interface ConvGeometry {
  inChannels: number;
  outChannels: number;
  kernel: [number, number];
  stride: number;
  padding: [number, number];
}

/** Fills in the derived fields (output size, params, MACs) of a conv layer. */
export function convLayer(
  names: { name: string; pytorchcvName: string; inputQuantizer: string },
  g: ConvGeometry,
  inputSize: [number, number],
  extraParams: number,
): LayerSpec {
  const outputSize: [number, number] = [
    convOut(inputSize[0], g.kernel[0], g.stride, g.padding[0]),
    convOut(inputSize[1], g.kernel[1], g.stride, g.padding[1]),
  ];
  const params = g.outChannels * g.inChannels * g.kernel[0] * g.kernel[1];
  return {
    ...names,
    kind: 'conv',
    ...g,
    inputSize,
    outputSize,
    params,
    extraParams,
    macs: params * outputSize[0] * outputSize[1],
  };
}

export function linearLayer(
  names: { name: string; pytorchcvName: string; inputQuantizer: string },
  inFeatures: number,
  outFeatures: number,
): LayerSpec {
  return {
    ...names,
    kind: 'linear',
    inChannels: inFeatures,
    outChannels: outFeatures,
    kernel: [1, 1],
    stride: 1,
    padding: [0, 0],
    inputSize: [1, 1],
    outputSize: [1, 1],
    params: inFeatures * outFeatures,
    extraParams: outFeatures,
    macs: inFeatures * outFeatures,
  };
}
