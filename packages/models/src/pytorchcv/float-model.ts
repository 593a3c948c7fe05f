import type { Tensor } from '@hawq-ts/checkpoint';
import type * as tf from '@tensorflow/tfjs';

/** A PyTorchCV float network on tfjs with PyTorch's state_dict names and NCHW inputs. */
export interface FloatModel {
  /** PyTorchCV arch name (resnet18, resnet50b, …) or `resnet-custom` for non-standard widths. */
  readonly arch: string;
  readonly numClasses: number;
  /** x is NCHW as in PyTorch; returns logits [N, numClasses]. `training` = PyTorch train(). */
  forward(x: tf.Tensor4D, training?: boolean): tf.Tensor2D;
  /** PyTorch layout (OIHW conv weights), PyTorch key order, int64 num_batches_tracked. */
  stateDict(): Map<string, Tensor>;
  /** Strict: same keys and shapes as stateDict(); validated before anything changes. */
  loadStateDict(sd: ReadonlyMap<string, Tensor>): void;
  /** Conv weights, BN γ/β and FC weight/bias (what `model.parameters()` yields). */
  trainableVariables(): tf.Variable[];
  dispose(): void;
}
