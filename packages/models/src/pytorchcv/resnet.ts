import { type ResNetSpec, resnetUnits } from '@hawq-ts/core';
import * as tf from '@tensorflow/tfjs';
import { ConvBlock } from './conv-block.js';
import { finalPool, nchwToNhwc } from './input.js';
import { Linear } from './linear.js';
import { StoredModel } from './stored-model.js';

const BN_EPS = 1e-5;

interface Unit {
  body: ConvBlock[];
  identity: ConvBlock | null;
}

/**
 * pytorchcv.models.resnet.ResNet: init block (7×7/2 conv, 3×3/2 max pool), stages of basic or
 * bottleneck ResUnits (ReLU after the residual add), AvgPool2d(7, 1), Linear.
 */
export class PytorchcvResNet extends StoredModel {
  readonly arch: string;
  readonly numClasses: number;
  private readonly init: ConvBlock;
  private readonly units: Unit[] = [];
  private readonly output: Linear;

  constructor(readonly spec: ResNetSpec) {
    super();
    this.arch = spec.arch;
    this.numClasses = spec.numClasses;
    this.init = new ConvBlock(this.store, 'features.init_block.conv', {
      inChannels: 3,
      outChannels: spec.initChannels,
      kernel: [7, 7],
      stride: 2,
      padding: [3, 3],
      bnEps: BN_EPS,
      relu: true,
    });
    for (const u of resnetUnits(spec)) {
      const p = `features.stage${u.stage}.unit${u.unit}`;
      const block = (
        name: string,
        cin: number,
        cout: number,
        k: number,
        stride: number,
        relu: boolean,
      ) =>
        new ConvBlock(this.store, `${p}.${name}`, {
          inChannels: cin,
          outChannels: cout,
          kernel: [k, k],
          stride,
          padding: k === 3 ? [1, 1] : [0, 0],
          bnEps: BN_EPS,
          relu,
        });
      const body: ConvBlock[] = [];
      if (spec.bottleneck) {
        const mid = u.outChannels / 4;
        body.push(block('body.conv1', u.inChannels, mid, 1, spec.conv1Stride ? u.stride : 1, true));
        body.push(block('body.conv2', mid, mid, 3, spec.conv1Stride ? 1 : u.stride, true));
        body.push(block('body.conv3', mid, u.outChannels, 1, 1, false));
      } else {
        body.push(block('body.conv1', u.inChannels, u.outChannels, 3, u.stride, true));
        body.push(block('body.conv2', u.outChannels, u.outChannels, 3, 1, false));
      }
      const identity = u.resizeIdentity
        ? block('identity_conv', u.inChannels, u.outChannels, 1, u.stride, false)
        : null;
      this.units.push({ body, identity });
    }
    this.output = new Linear(
      this.store,
      'output',
      spec.widths[spec.widths.length - 1]!,
      spec.numClasses,
    );
  }

  forward(x: tf.Tensor4D, training = false): tf.Tensor2D {
    return tf.tidy(() => {
      let h = this.init.forward(nchwToNhwc(x, this.arch), training);
      h = tf.maxPool(h, 3, 2, 1, 'floor');
      for (const unit of this.units) {
        const identity = unit.identity ? unit.identity.forward(h, training) : h;
        let b = h;
        for (const conv of unit.body) b = conv.forward(b, training);
        h = tf.relu(tf.add(b, identity)) as tf.Tensor4D;
      }
      // PyTorchCV's 7×7 final_pool at 193..224; the whole final map at any other size, like Q_ResNet
      const pooled = finalPool(
        h,
        h.shape[1],
        this.arch,
        'square inputs (7×7 final map at 193..224)',
      );
      return this.output.forward(pooled);
    });
  }
}
