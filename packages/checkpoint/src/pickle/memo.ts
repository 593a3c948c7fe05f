import { FormatError } from '../errors.js';
import { keepShape } from '../keep-shape.js';
import type { Arg } from './globals.js';

/**
 * The pickle memo. Picklers number entries 0, 1, 2, … (a ResNet50 state_dict memoizes ~2,500
 * values), so an array holds them densely, without a hash table to grow and probe. Hostile sparse
 * indices just turn the array into a dictionary (V8 does that by itself), so memory stays bounded.
 */
export class Memo {
  /** by index; unpickle() reads and writes it directly in its fast path */
  readonly slots: Arg[] = [];
  /** Number of distinct entries (MEMOIZE stores at index `size`, like CPython's len(memo)). */
  size = 0;

  set(index: number, value: Arg): void {
    if (this.slots[index] === undefined) this.size++;
    this.slots[index] = value;
  }

  get(index: number): Arg {
    const v = this.slots[index];
    if (v === undefined) throw new FormatError(`pickle memo entry ${index} is missing`);
    return v;
  }
}

keepShape(new Memo());
