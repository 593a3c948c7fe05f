import * as tf from '@tensorflow/tfjs';
import type { ParamStore } from './param-store.js';

export interface ConvBlockOptions {
  inChannels: number;
  outChannels: number;
  kernel: [number, number];
  stride: number;
  padding: [number, number];
  bnEps: number;
  /** ReLU after BN (PyTorchCV ConvBlock `activation`); false for the last conv of a ResUnit body. */
  relu: boolean;
}

/** PyTorch BatchNorm2d defaults. */
const BN_MOMENTUM = 0.1;

/**
 * PyTorchCV ConvBlock: Conv2d (no bias) → BatchNorm2d → optional ReLU, state_dict keys
 * `<prefix>.conv.weight` and `<prefix>.bn.{weight,bias,running_mean,running_var,num_batches_tracked}`.
 * Tensors are NHWC inside the model.
 */
export class ConvBlock {
  private readonly weight: tf.Variable;
  private readonly gamma: tf.Variable;
  private readonly beta: tf.Variable;
  private readonly runningMean: tf.Variable;
  private readonly runningVar: tf.Variable;
  private readonly pad: [[number, number], [number, number], [number, number], [number, number]];

  constructor(
    private readonly store: ParamStore,
    private readonly prefix: string,
    private readonly o: ConvBlockOptions,
  ) {
    const [kh, kw] = o.kernel;
    // PyTorchCV initialises convs with kaiming_uniform_ (a=0): bound = sqrt(6 / fan_in).
    const bound = Math.sqrt(6 / (o.inChannels * kh * kw));
    this.weight = store.add(
      `${prefix}.conv.weight`,
      'param',
      tf.randomUniform([o.outChannels, o.inChannels, kh, kw], -bound, bound),
      'oihw',
    );
    this.gamma = store.add(`${prefix}.bn.weight`, 'param', tf.ones([o.outChannels]));
    this.beta = store.add(`${prefix}.bn.bias`, 'param', tf.zeros([o.outChannels]));
    this.runningMean = store.add(`${prefix}.bn.running_mean`, 'buffer', tf.zeros([o.outChannels]));
    this.runningVar = store.add(`${prefix}.bn.running_var`, 'buffer', tf.ones([o.outChannels]));
    store.addCounter(`${prefix}.bn.num_batches_tracked`);
    this.pad = [
      [0, 0],
      [o.padding[0], o.padding[0]],
      [o.padding[1], o.padding[1]],
      [0, 0],
    ];
  }

  forward(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    const y = tf.conv2d(x, this.weight as tf.Tensor4D, this.o.stride, this.pad);
    let z: tf.Tensor4D;
    if (training) {
      // Batch statistics normalise; running stats follow PyTorch (unbiased variance, momentum 0.1).
      // The assigns are outside the differentiated path: the loss never reads the running stats.
      const { mean, variance } = tf.moments(y, [0, 1, 2]);
      z = tf.batchNorm(y, mean, variance, this.beta, this.gamma, this.o.bnEps) as tf.Tensor4D;
      const n = y.shape[0] * y.shape[1] * y.shape[2];
      tf.tidy(() => {
        const unbiased = n > 1 ? tf.mul(variance, n / (n - 1)) : variance;
        this.runningMean.assign(
          tf.add(tf.mul(this.runningMean, 1 - BN_MOMENTUM), tf.mul(mean, BN_MOMENTUM)),
        );
        this.runningVar.assign(
          tf.add(tf.mul(this.runningVar, 1 - BN_MOMENTUM), tf.mul(unbiased, BN_MOMENTUM)),
        );
      });
      this.store.incrementCounter(`${this.prefix}.bn.num_batches_tracked`);
    } else {
      z = tf.batchNorm(
        y,
        this.runningMean,
        this.runningVar,
        this.beta,
        this.gamma,
        this.o.bnEps,
      ) as tf.Tensor4D;
    }
    return this.o.relu ? tf.relu(z) : z;
  }
}
