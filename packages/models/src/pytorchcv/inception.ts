import {
  branchOutChannels,
  INCEPTION_BN_EPS,
  INCEPTION_FINAL_CHANNELS,
  INCEPTION_INIT_BLOCK,
  INCEPTION_UNITS,
  type InceptConvDef,
  seq3x3SplitConvs,
} from '@hawq-ts/core';
import * as tf from '@tensorflow/tfjs';
import { ConvBlock } from './conv-block.js';
import { finalPool, nchwToNhwc } from './input.js';
import { Linear } from './linear.js';
import { StoredModel } from './stored-model.js';

type Branch = (x: tf.Tensor4D, training: boolean) => tf.Tensor4D;

const DROPOUT_RATE = 0.5;

/**
 * pytorchcv.models.inceptionv3.InceptionV3 (299×299 input, BN eps 1e-3): init block, 3 stages
 * of multi-branch units concatenated on channels, AvgPool2d(8, 1), dropout 0.5, `output.fc`.
 */
export class PytorchcvInceptionV3 extends StoredModel {
  readonly arch = 'inceptionv3';
  private readonly initBlock: ConvBlock[] = [];
  private readonly units: Branch[][] = [];
  private readonly fc: Linear;

  constructor(readonly numClasses = 1000) {
    super();
    let channels = 3;
    INCEPTION_INIT_BLOCK.forEach((def, i) => {
      this.initBlock.push(this.conv(`features.init_block.conv${i + 1}`, channels, def));
      channels = def.out;
    });
    for (const unit of INCEPTION_UNITS) {
      const branches: Branch[] = [];
      let outChannels = 0;
      unit.branches.forEach((branch, b) => {
        const p = `features.stage${unit.stage}.unit${unit.unit}.branches.branch${b + 1}`;
        outChannels += branchOutChannels(branch, channels);
        switch (branch.kind) {
          case 'conv1x1': {
            const conv = this.conv(`${p}.conv`, channels, pointwise(branch.out));
            branches.push((x, t) => conv.forward(x, t));
            break;
          }
          case 'avgpool': {
            const conv = this.conv(`${p}.conv`, channels, pointwise(branch.out));
            // count_include_pad=True: average over the zero padding too.
            branches.push((x, t) => conv.forward(tf.avgPool(padHW(x, 1), 3, 1, 'valid'), t));
            break;
          }
          case 'maxpool':
            branches.push((x) => tf.maxPool(x, 3, 2, 'valid'));
            break;
          case 'seq':
          case 'seq3x3': {
            let cin = channels;
            const convs = branch.convs.map((def, i) => {
              const conv = this.conv(`${p}.conv_list.conv${i + 1}`, cin, def);
              cin = def.out;
              return conv;
            });
            const splits =
              branch.kind === 'seq3x3'
                ? seq3x3SplitConvs(cin).map((s) => this.conv(`${p}.${s.name}`, cin, s.def))
                : [];
            branches.push((x, t) => {
              let h = x;
              for (const conv of convs) h = conv.forward(h, t);
              return splits.length
                ? tf.concat(
                    splits.map((s) => s.forward(h, t)),
                    3,
                  )
                : h;
            });
            break;
          }
        }
      });
      this.units.push(branches);
      channels = outChannels;
    }
    this.fc = new Linear(this.store, 'output.fc', INCEPTION_FINAL_CHANNELS, numClasses);
  }

  private conv(prefix: string, inChannels: number, def: InceptConvDef): ConvBlock {
    return new ConvBlock(this.store, prefix, {
      inChannels,
      outChannels: def.out,
      kernel: def.kernel,
      stride: def.stride,
      padding: def.padding,
      bnEps: INCEPTION_BN_EPS,
      relu: true,
    });
  }

  forward(x: tf.Tensor4D, training = false): tf.Tensor2D {
    return tf.tidy(() => {
      let h = nchwToNhwc(x, this.arch);
      this.initBlock.forEach((conv, i) => {
        h = conv.forward(h, training);
        if (i === 2 || i === 4) h = tf.maxPool(h, 3, 2, 'valid');
      });
      for (const branches of this.units) {
        const input = h;
        h = tf.concat(
          branches.map((branch) => branch(input, training)),
          3,
        );
      }
      let pooled = finalPool(h, 8, this.arch, '299×299 (8×8 final map)');
      if (training) pooled = tf.dropout(pooled, DROPOUT_RATE) as tf.Tensor2D;
      return this.fc.forward(pooled);
    });
  }
}

function pointwise(out: number): InceptConvDef {
  return { out, kernel: [1, 1], stride: 1, padding: [0, 0] };
}

function padHW(x: tf.Tensor4D, p: number): tf.Tensor4D {
  return tf.pad(x, [
    [0, 0],
    [p, p],
    [p, p],
    [0, 0],
  ]);
}
