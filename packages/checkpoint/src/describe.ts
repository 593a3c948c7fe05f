import { nodeCrypto } from './builtins.js';
import { PyFloat, PyObject, PySet, PyTuple, type PyValue } from './pyvalue.js';
import { Tensor } from './tensor.js';

export interface TensorSummary {
  dtype: string;
  shape: number[];
  sha256: string;
}

export type JsonLeaf = null | boolean | number | string | Record<string, never> | never[];

export interface Description {
  tensors: Record<string, TensorSummary>;
  values: Record<string, JsonLeaf>;
}

/**
 * The layout of the golden `tensors.json`: every tensor by PATH (dict keys and list/tuple indices
 * joined by `/`) with dtype, shape and the sha256 of its C-order little-endian bytes; every
 * non-tensor leaf (and every empty dict/list as {} / []) under `values`, in the object's order.
 */
export function describe(value: PyValue): Description {
  const out: Description = { tensors: {}, values: {} };
  const active = new Set<object>();
  const join = (path: string, key: string | number): string =>
    path === '' ? String(key) : `${path}/${String(key)}`;

  const walk = (v: PyValue, path: string): void => {
    if (v instanceof Tensor) {
      out.tensors[path] = { dtype: v.dtype, shape: [...v.shape], sha256: sha256(v) };
      return;
    }
    const children = childrenOf(v);
    if (!children) {
      out.values[path] = leaf(v);
      return;
    }
    if (active.has(v as object))
      throw new TypeError(`describe: ${path || 'value'} contains itself`);
    active.add(v as object);
    if (children.entries.length === 0) out.values[path] = children.isDict ? {} : [];
    for (const [k, child] of children.entries) walk(child, join(path, k));
    active.delete(v as object);
  };
  walk(value, '');
  return out;
}

function childrenOf(v: PyValue): { entries: [string | number, PyValue][]; isDict: boolean } | null {
  if (v instanceof Map) return { entries: [...v.entries()], isDict: true };
  if (Array.isArray(v)) return { entries: v.map((x, i) => [i, x]), isDict: false };
  if (v instanceof PyTuple || v instanceof PySet) {
    return {
      entries: [...(v instanceof PySet ? v.items : v.items)].map((x, i) => [i, x]),
      isDict: false,
    };
  }
  if (v instanceof PyObject && v.state instanceof Map) return childrenOf(v.state);
  return null;
}

function leaf(v: PyValue): JsonLeaf {
  if (v === null || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string')
    return v;
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof PyFloat) return v.value;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('latin1');
  if (v instanceof PyObject)
    return `${v.qualifiedName}(${v.args.map((a) => JSON.stringify(leaf(a))).join(', ')})`;
  return String(v);
}

export function sha256(t: Tensor): string {
  return nodeCrypto().createHash('sha256').update(t.bytes()).digest('hex');
}
