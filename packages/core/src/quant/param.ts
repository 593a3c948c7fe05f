// A float32 parameter or buffer with one source of truth: a plain Float32Array for the exact
// path until the tfjs path asks for a tf.Variable, after which the variable owns the values.
import * as tf from '@tensorflow/tfjs';
import { QuantError } from './errors.js';
import { numel } from './values.js';

export class Param {
  private values: Float32Array;
  private variable: tf.Variable | undefined;

  constructor(
    readonly shape: number[],
    data: Float32Array,
    readonly trainable: boolean,
  ) {
    if (data.length !== numel(shape)) {
      throw new QuantError(`Param: ${data.length} values do not match shape [${shape}]`);
    }
    this.values = data;
  }

  static zeros(shape: number[], trainable: boolean): Param {
    return new Param(shape, new Float32Array(numel(shape)), trainable);
  }

  /** Current values (a copy of the variable's contents when one exists). */
  read(): Float32Array {
    return this.variable ? (this.variable.dataSync() as Float32Array) : this.values;
  }

  assign(data: Float32Array): void {
    if (data.length !== numel(this.shape)) {
      throw new QuantError(
        `Param.assign: ${data.length} values do not match shape [${this.shape}]`,
      );
    }
    if (this.variable) {
      // assign() shares the new tensor's data; dispose the handle or every call leaks a copy
      const t = tf.tensor(data, this.shape, 'float32');
      this.variable.assign(t);
      t.dispose();
    } else this.values = Float32Array.from(data);
  }

  /** The tfjs variable, created on first use from the current values. */
  asVariable(): tf.Variable {
    if (!this.variable) {
      const t = tf.tensor(this.values, this.shape, 'float32');
      this.variable = tf.variable(t, this.trainable);
      t.dispose();
    }
    return this.variable;
  }

  hasVariable(): boolean {
    return this.variable !== undefined;
  }

  dispose(): void {
    if (this.variable) {
      this.values = this.variable.dataSync() as Float32Array;
      this.variable.dispose();
      this.variable = undefined;
    }
  }
}
