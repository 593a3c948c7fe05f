import * as tf from '@tensorflow/tfjs';
import type { ParamStore } from './param-store.js';

/** torch.nn.Linear with PyTorch's [out, in] weight layout and default init. */
export class Linear {
  private readonly weight: tf.Variable;
  private readonly bias: tf.Variable;

  constructor(store: ParamStore, prefix: string, inFeatures: number, outFeatures: number) {
    const bound = 1 / Math.sqrt(inFeatures);
    this.weight = store.add(
      `${prefix}.weight`,
      'param',
      tf.randomUniform([outFeatures, inFeatures], -bound, bound),
    );
    this.bias = store.add(
      `${prefix}.bias`,
      'param',
      tf.randomUniform([outFeatures], -bound, bound),
    );
  }

  forward(x: tf.Tensor2D): tf.Tensor2D {
    return tf.add(tf.matMul(x, this.weight as tf.Tensor2D, false, true), this.bias);
  }
}
