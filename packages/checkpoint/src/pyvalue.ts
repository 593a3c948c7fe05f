import { keepShape } from './keep-shape.js';
import type { Tensor } from './tensor.js';

/**
 * What a checkpoint unpickles to. Python ints become numbers when they fit 2^53, else bigints;
 * floats become numbers (write `PyFloat` to force a float such as `1.0`); `bytes` become Uint8Array.
 */
export type PyValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | Tensor
  | PyValue[]
  | PyTuple
  | PyDict
  | PySet
  | PyFloat
  | PyObject;

/** Python dict keys we support: str and int (what state_dicts and optimizer states use). */
export type PyKey = string | number;

/** dict / OrderedDict, keeping insertion order. An OrderedDict is a `PyOrderedDict`. */
export type PyDict = Map<PyKey, PyValue>;

/** `collections.OrderedDict` (what `state_dict()` returns); `attributes` holds its `__dict__`, e.g. `_metadata`. */
export class PyOrderedDict extends Map<PyKey, PyValue> {
  attributes: PyDict | undefined;
}
keepShape(new PyOrderedDict());

/** A Python tuple (lists are plain arrays, so the two stay distinguishable). */
export class PyTuple {
  readonly items: readonly PyValue[];
  constructor(items: readonly PyValue[]) {
    this.items = [...items];
  }
  get length(): number {
    return this.items.length;
  }
  [Symbol.iterator](): Iterator<PyValue> {
    return this.items[Symbol.iterator]();
  }
}
keepShape(new PyTuple([]));

export function tuple(...items: PyValue[]): PyTuple {
  return new PyTuple(items);
}

/** set / frozenset, kept as the list of items in pickle order. */
export class PySet {
  constructor(
    readonly items: PyValue[],
    readonly frozen: boolean,
  ) {}
}

/** A Python float that must stay a float when written (JS cannot tell `1.0` from `1`). */
export class PyFloat {
  constructor(readonly value: number) {}
}

/**
 * An instance of an allow-listed class that is not a container, e.g. `argparse.Namespace`
 * (attributes in `state`), `torch.device('cuda', 0)` (constructor `args`).
 */
export class PyObject {
  constructor(
    readonly module: string,
    readonly name: string,
    readonly args: readonly PyValue[],
    public state: PyValue = null,
  ) {}
  get qualifiedName(): string {
    return `${this.module}.${this.name}`;
  }
}

export function isPyDict(v: unknown): v is PyDict {
  return v instanceof Map;
}
