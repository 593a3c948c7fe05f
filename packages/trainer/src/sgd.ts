// torch.optim.SGD (one param group, dampening 0, no Nesterov) on tfjs variables:
//   d = grad + wd·w;  buf = d on the first step, else momentum·buf + d;  w = w − lr·buf.
// The update runs in JS float32 (Math.fround per operation, FMA where PyTorch's CPU kernel fuses
// `add(x, alpha=a)`)
// rather than in tfjs kernels, so it is deterministic across backends and a resumed run
// reproduces an uninterrupted one bit for bit.
import { Tensor } from '@hawq-ts/checkpoint';
import { fmaF32 } from '@hawq-ts/core';
import * as tf from '@tensorflow/tfjs';
import { TrainerError } from './errors.js';

const f32 = Math.fround;

export interface SgdOptions {
  lr: number;
  momentum: number;
  weightDecay: number;
}

export class Sgd {
  lr: number;
  readonly momentum: number;
  readonly weightDecay: number;
  /** per parameter: its momentum buffer, null before its first step */
  readonly buffers: (Float32Array | null)[];

  constructor(
    readonly params: readonly tf.Variable[],
    o: SgdOptions,
  ) {
    this.lr = o.lr;
    this.momentum = o.momentum;
    this.weightDecay = o.weightDecay;
    this.buffers = params.map(() => null);
  }

  /** One step with the gradients of `params` (same order). */
  step(grads: readonly (tf.Tensor | Float32Array)[]): void {
    if (grads.length !== this.params.length) {
      throw new TrainerError(`SGD: ${grads.length} gradients for ${this.params.length} parameters`);
    }
    const lr = f32(this.lr);
    const wd = f32(this.weightDecay);
    const mom = f32(this.momentum);
    this.params.forEach((p, i) => {
      const g = grads[i]!;
      const grad = g instanceof Float32Array ? g : (g.dataSync() as Float32Array);
      const w = p.dataSync() as Float32Array;
      const next = new Float32Array(w.length);
      let buf = this.buffers[i] ?? null;
      const first = buf === null;
      if (!buf) buf = new Float32Array(w.length);
      for (let j = 0; j < w.length; j++) {
        const d = wd === 0 ? grad[j]! : fmaF32(wd, w[j]!, grad[j]!);
        // buf.mul_(momentum).add_(d): two roundings, unlike the fused add-with-alpha steps
        const b = mom === 0 || first ? d : f32(f32(buf[j]! * mom) + d);
        buf[j] = b;
        next[j] = fmaF32(-lr, b, w[j]!);
      }
      if (mom !== 0) this.buffers[i] = buf;
      // assign() shares the new tensor's data; dispose the handle or every step leaks a copy
      const t = tf.tensor(next, p.shape, 'float32');
      p.assign(t);
      t.dispose();
    });
  }

  /** optimizer.state_dict()['state']: {i: {'momentum_buffer': tensor}} for stepped params. */
  state(): Map<number, Map<string, Tensor>> {
    const out = new Map<number, Map<string, Tensor>>();
    this.buffers.forEach((b, i) => {
      if (b) {
        const shape = this.params[i]!.shape;
        out.set(i, new Map([['momentum_buffer', Tensor.fromFloat32(shape, Float32Array.from(b))]]));
      }
    });
    return out;
  }

  /** Restore momentum buffers saved by `state()` (or by HAWQ's optimizer.state_dict()). */
  loadState(state: ReadonlyMap<number, ReadonlyMap<string, Tensor>>, source: string): void {
    for (const [i, s] of state) {
      const p = this.params[i];
      const t = s.get('momentum_buffer');
      if (!p || !t) {
        throw new TrainerError(
          `${source}: optimizer state ${i} does not fit the model's ${this.params.length} parameters`,
        );
      }
      if (t.shape.join(',') !== p.shape.join(',')) {
        throw new TrainerError(
          `${source}: momentum buffer ${i} has shape [${t.shape}], parameter has [${p.shape}]`,
        );
      }
      this.buffers[i] = Float32Array.from(t.toFloat32());
    }
  }
}
