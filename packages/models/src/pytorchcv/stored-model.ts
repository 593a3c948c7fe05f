// The state_dict side of every PyTorchCV float model: all of it lives in one ParamStore.
import type { Tensor } from '@hawq-ts/checkpoint';
import type * as tf from '@tensorflow/tfjs';
import type { FloatModel } from './float-model.js';
import { ParamStore } from './param-store.js';

export abstract class StoredModel implements FloatModel {
  abstract readonly arch: string;
  abstract readonly numClasses: number;
  protected readonly store = new ParamStore();

  abstract forward(x: tf.Tensor4D, training?: boolean): tf.Tensor2D;

  stateDict(): Map<string, Tensor> {
    return this.store.stateDict();
  }

  loadStateDict(sd: ReadonlyMap<string, Tensor>): void {
    this.store.loadStateDict(sd, this.arch);
  }

  trainableVariables(): tf.Variable[] {
    return this.store.trainableVariables();
  }

  /** state_dict keys in PyTorch order. */
  get keys(): readonly string[] {
    return this.store.keys;
  }

  dispose(): void {
    this.store.dispose();
  }
}
