// Read access to a HAWQ state_dict. Accepts @hawq-ts/checkpoint's Tensor (or anything with a shape
// and a float32 view), so the IR builder does not care how the checkpoint was loaded.
import { MalformedModelError } from './errors.js';

export interface TensorLike {
  readonly shape: readonly number[];
  toFloat32(): Float32Array;
}

export type StateDict = ReadonlyMap<string, TensorLike>;

/** Key lookup that knows about DataParallel's `module.` prefix and names the file in errors. */
export class StateDictReader {
  readonly prefix: string;

  constructor(
    readonly sd: StateDict,
    readonly source: string,
  ) {
    this.prefix = [...sd.keys()].some((k) => k.startsWith('module.')) ? 'module.' : '';
  }

  has(key: string): boolean {
    return this.sd.has(this.prefix + key);
  }

  tensor(key: string, shape?: readonly number[]): TensorLike {
    const t = this.sd.get(this.prefix + key);
    if (!t)
      throw new MalformedModelError(`${this.source}: state_dict has no key '${this.prefix}${key}'`);
    if (
      shape &&
      (t.shape.length !== shape.length || t.shape.some((d, i) => shape[i] !== -1 && d !== shape[i]))
    ) {
      throw new MalformedModelError(
        `${this.source}: '${this.prefix}${key}' has shape [${t.shape.join(',')}], expected [${shape.join(',')}]`,
      );
    }
    return t;
  }

  f32(key: string, shape?: readonly number[]): Float32Array {
    return this.tensor(key, shape).toFloat32();
  }

  scalar(key: string): number {
    const v = this.f32(key);
    if (v.length !== 1)
      throw new MalformedModelError(`${this.source}: '${this.prefix}${key}' must hold one value`);
    return v[0] as number;
  }

  keys(): string[] {
    return [...this.sd.keys()].map((k) => k.slice(this.prefix.length));
  }
}
