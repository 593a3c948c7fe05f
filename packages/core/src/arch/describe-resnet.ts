import { convLayer, convOut, type LayerSpec, linearLayer } from './layer-spec.js';
import { hawqInitConvName, type ResNetSpec, resnetUnits } from './resnet-spec.js';

/**
 * Weight layers of a PyTorchCV ResNet in HAWQ's bit-config order (stem, then per unit
 * conv1, conv2, [conv3], identity conv, then the FC).
 */
export function describeResNet(spec: ResNetSpec, inputSize = 224): LayerSpec[] {
  const layers: LayerSpec[] = [];
  const init = convLayer(
    {
      name: hawqInitConvName(spec),
      pytorchcvName: 'features.init_block.conv.conv',
      inputQuantizer: 'quant_input',
    },
    {
      inChannels: 3,
      outChannels: spec.initChannels,
      kernel: [7, 7],
      stride: 2,
      padding: [3, 3],
    },
    [inputSize, inputSize],
    2 * spec.initChannels,
  );
  layers.push(init);
  // Stem max pool 3×3, stride 2, padding 1.
  let size: [number, number] = [
    convOut(init.outputSize[0], 3, 2, 1),
    convOut(init.outputSize[1], 3, 2, 1),
  ];
  for (const unit of resnetUnits(spec)) {
    const hawq = `stage${unit.stage}.unit${unit.unit}.`;
    const cv = `features.stage${unit.stage}.unit${unit.unit}.`;
    const body: { cin: number; cout: number; k: number; s: number }[] = [];
    if (spec.bottleneck) {
      const mid = unit.outChannels / 4;
      body.push({ cin: unit.inChannels, cout: mid, k: 1, s: spec.conv1Stride ? unit.stride : 1 });
      body.push({ cin: mid, cout: mid, k: 3, s: spec.conv1Stride ? 1 : unit.stride });
      body.push({ cin: mid, cout: unit.outChannels, k: 1, s: 1 });
    } else {
      body.push({ cin: unit.inChannels, cout: unit.outChannels, k: 3, s: unit.stride });
      body.push({ cin: unit.outChannels, cout: unit.outChannels, k: 3, s: 1 });
    }
    const unitInput = size;
    let x = size;
    body.forEach((c, i) => {
      const layer = convLayer(
        {
          name: `${hawq}quant_convbn${i + 1}`,
          pytorchcvName: `${cv}body.conv${i + 1}.conv`,
          inputQuantizer: i === 0 ? `${hawq}quant_act` : `${hawq}quant_act${i}`,
        },
        {
          inChannels: c.cin,
          outChannels: c.cout,
          kernel: [c.k, c.k],
          stride: c.s,
          padding: c.k === 3 ? [1, 1] : [0, 0],
        },
        x,
        2 * c.cout,
      );
      layers.push(layer);
      x = layer.outputSize;
    });
    if (unit.resizeIdentity) {
      layers.push(
        convLayer(
          {
            name: `${hawq}quant_identity_convbn`,
            pytorchcvName: `${cv}identity_conv.conv`,
            // HAWQ feeds the identity conv from the unit's quant_act, like conv1.
            inputQuantizer: `${hawq}quant_act`,
          },
          {
            inChannels: unit.inChannels,
            outChannels: unit.outChannels,
            kernel: [1, 1],
            stride: unit.stride,
            padding: [0, 0],
          },
          unitInput,
          2 * unit.outChannels,
        ),
      );
    }
    size = x;
  }
  layers.push(
    linearLayer(
      { name: 'quant_output', pytorchcvName: 'output', inputQuantizer: 'quant_act_output' },
      spec.widths[spec.widths.length - 1]!,
      spec.numClasses,
    ),
  );
  return layers;
}
