import { Tensor } from '@hawq-ts/checkpoint';
import * as tf from '@tensorflow/tfjs';
import { StateDictError } from './errors.js';

/**
 * How a PyTorch tensor is stored in tfjs. Conv weights live as HWIO (what tf.conv2d takes) and
 * are converted to/from PyTorch's OIHW at the state_dict boundary; everything else is as-is.
 */
type Layout = 'oihw' | 'plain';

interface Entry {
  kind: 'param' | 'buffer';
  torchShape: number[];
  layout: Layout;
  variable: tf.Variable;
}

const OIHW_TO_HWIO = [2, 3, 1, 0];
const HWIO_TO_OIHW = [3, 2, 0, 1];

/**
 * The model's tensors under their PyTorch state_dict names, in state_dict order.
 * `num_batches_tracked` counters are kept as numbers (int64 in PyTorch).
 */
export class ParamStore {
  private readonly entries = new Map<string, Entry>();
  private readonly counters = new Map<string, number>();
  /** Key order of the PyTorch state_dict (tensors and counters interleaved). */
  private readonly order: string[] = [];

  /** Registers a tensor given in PyTorch layout; takes ownership of `value`. */
  add(
    name: string,
    kind: 'param' | 'buffer',
    value: tf.Tensor,
    layout: Layout = 'plain',
  ): tf.Variable {
    const torchShape = value.shape.slice();
    const stored = layout === 'oihw' ? tf.transpose(value, OIHW_TO_HWIO) : value;
    const variable = tf.variable(stored, kind === 'param');
    if (stored !== value) stored.dispose();
    value.dispose();
    this.entries.set(name, { kind, torchShape, layout, variable });
    this.order.push(name);
    return variable;
  }

  addCounter(name: string): void {
    this.counters.set(name, 0);
    this.order.push(name);
  }

  incrementCounter(name: string): void {
    this.counters.set(name, (this.counters.get(name) ?? 0) + 1);
  }

  get keys(): readonly string[] {
    return this.order;
  }

  trainableVariables(): tf.Variable[] {
    return [...this.entries.values()].filter((e) => e.kind === 'param').map((e) => e.variable);
  }

  stateDict(): Map<string, Tensor> {
    const out = new Map<string, Tensor>();
    for (const name of this.order) {
      const counter = this.counters.get(name);
      if (counter !== undefined) {
        out.set(name, Tensor.fromInt64([], BigInt64Array.of(BigInt(counter))));
        continue;
      }
      const e = this.entries.get(name)!;
      // Not via tf.tidy: tidy walks every element of a returned typed array (seconds per model).
      const torch = e.layout === 'oihw' ? tf.transpose(e.variable, HWIO_TO_OIHW) : e.variable;
      const data = new Float32Array(torch.dataSync());
      if (torch !== e.variable) torch.dispose();
      out.set(name, Tensor.fromFloat32(e.torchShape, data));
    }
    return out;
  }

  /**
   * Loads a PyTorch state_dict (strict: same keys, same shapes). All tensors are validated before
   * any variable changes, so a bad state_dict leaves the model untouched.
   */
  loadStateDict(sd: ReadonlyMap<string, Tensor>, what: string): void {
    const missing = this.order.filter((k) => !sd.has(k));
    const unexpected = [...sd.keys()].filter((k) => !this.entries.has(k) && !this.counters.has(k));
    if (missing.length || unexpected.length) {
      const list = (xs: string[]) =>
        xs.slice(0, 5).join(', ') + (xs.length > 5 ? `, … (${xs.length})` : '');
      throw new StateDictError(
        `${what}: state_dict does not match the model` +
          (missing.length ? `; missing ${list(missing)}` : '') +
          (unexpected.length ? `; unexpected ${list(unexpected)}` : ''),
      );
    }
    for (const [name, e] of this.entries) {
      const t = sd.get(name)!;
      if (t.shape.length !== e.torchShape.length || t.shape.some((d, i) => d !== e.torchShape[i])) {
        throw new StateDictError(
          `${what}: '${name}' has shape [${t.shape.join(', ')}], the model expects [${e.torchShape.join(', ')}]`,
        );
      }
    }
    for (const [name, e] of this.entries) {
      const t = sd.get(name)!;
      tf.tidy(() => {
        const value = tf.tensor(t.toFloat32(), e.torchShape, 'float32');
        e.variable.assign(e.layout === 'oihw' ? tf.transpose(value, OIHW_TO_HWIO) : value);
      });
    }
    for (const name of this.counters.keys()) {
      this.counters.set(name, Number(sd.get(name)!.toFloat32()[0] ?? 0));
    }
  }

  dispose(): void {
    for (const e of this.entries.values()) e.variable.dispose();
    this.entries.clear();
  }
}
