import {
  branchOutChannels,
  INCEPTION_FINAL_CHANNELS,
  INCEPTION_INIT_BLOCK,
  INCEPTION_INPUT_SIZE,
  INCEPTION_UNITS,
  type InceptConvDef,
  seq3x3SplitConvs,
} from './inception-spec.js';
import { convLayer, convOut, type LayerSpec, linearLayer } from './layer-spec.js';

/** Weight layers of PyTorchCV InceptionV3 in module order, with Q_InceptionV3's names. */
export function describeInception(
  inputSize = INCEPTION_INPUT_SIZE,
  numClasses = 1000,
): LayerSpec[] {
  const layers: LayerSpec[] = [];
  const add = (
    hawq: string,
    cv: string,
    inputQuantizer: string,
    cin: number,
    def: InceptConvDef,
    size: [number, number],
  ): LayerSpec => {
    const layer = convLayer(
      { name: `${hawq}.q_convbn`, pytorchcvName: `${cv}.conv`, inputQuantizer },
      { inChannels: cin, outChannels: def.out, ...def },
      size,
      2 * def.out,
    );
    layers.push(layer);
    return layer;
  };

  let size: [number, number] = [inputSize, inputSize];
  let channels = 3;
  let prevAct = 'features.q_init_block.q_input_activ';
  INCEPTION_INIT_BLOCK.forEach((def, i) => {
    const hawq = `features.q_init_block.q_conv${i + 1}`;
    const layer = add(hawq, `features.init_block.conv${i + 1}`, prevAct, channels, def, size);
    size = layer.outputSize;
    channels = def.out;
    prevAct = `${hawq}.q_activ`;
    if (i === 2 || i === 4) size = [convOut(size[0], 3, 2, 0), convOut(size[1], 3, 2, 0)];
  });

  for (const unit of INCEPTION_UNITS) {
    let outSize = size;
    let outChannels = 0;
    unit.branches.forEach((branch, b) => {
      const hawq = `features.stage${unit.stage}.unit${unit.unit}.branches.branch${b + 1}`;
      const cv = `features.stage${unit.stage}.unit${unit.unit}.branches.branch${b + 1}`;
      outChannels += branchOutChannels(branch, channels);
      switch (branch.kind) {
        case 'conv1x1':
          add(
            `${hawq}.q_conv`,
            `${cv}.conv`,
            `${hawq}.q_input_act`,
            channels,
            conv1x1(branch.out),
            size,
          );
          break;
        case 'avgpool':
          add(
            `${hawq}.q_conv`,
            `${cv}.conv`,
            `${hawq}.q_pool_act`,
            channels,
            conv1x1(branch.out),
            size,
          );
          break;
        case 'maxpool':
          outSize = [convOut(size[0], 3, 2, 0), convOut(size[1], 3, 2, 0)];
          break;
        case 'seq':
        case 'seq3x3': {
          let act = `${hawq}.q_input_act`;
          let cin = channels;
          let s = size;
          branch.convs.forEach((def, i) => {
            const q = `${hawq}.q_conv_list.q_conv${i + 1}`;
            const layer = add(q, `${cv}.conv_list.conv${i + 1}`, act, cin, def, s);
            act = `${q}.q_activ`;
            cin = def.out;
            s = layer.outputSize;
          });
          if (branch.kind === 'seq3x3') {
            for (const split of seq3x3SplitConvs(cin)) {
              add(`${hawq}.q_${split.name}`, `${cv}.${split.name}`, act, cin, split.def, s);
            }
          }
          outSize = s;
          break;
        }
      }
    });
    size = outSize;
    channels = outChannels;
  }
  if (channels !== INCEPTION_FINAL_CHANNELS) {
    throw new Error(`internal: InceptionV3 ends with ${channels} channels`);
  }
  layers.push(
    linearLayer(
      {
        name: 'output.q_fc',
        pytorchcvName: 'output.fc',
        inputQuantizer: 'features.q_concat_activ',
      },
      channels,
      numClasses,
    ),
  );
  return layers;
}

function conv1x1(out: number): InceptConvDef {
  return { out, kernel: [1, 1], stride: 1, padding: [0, 0] };
}
