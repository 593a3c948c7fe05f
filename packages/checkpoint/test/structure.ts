// The JS counterpart of torch_describe.py's output, to compare our values with torch's.
import { describe, PyFloat, PyOrderedDict, PyTuple, type PyValue, Tensor } from '../src/index.js';
import { StoragePlan } from '../src/storage-plan.js';

export interface TorchView {
  file?: string;
  tensors: Record<string, { dtype: string; shape: number[]; sha256: string }>;
  values: Record<string, unknown>;
  types: Record<string, string>;
  storages: string[][];
}

export function jsView(value: PyValue): TorchView {
  const { tensors, values } = describe(value);
  const types: Record<string, string> = {};
  const paths = new Map<Tensor, string[]>();
  const walk = (v: PyValue, path: string): void => {
    const join = (k: string | number) => (path === '' ? String(k) : `${path}/${k}`);
    if (v instanceof Tensor) {
      paths.set(v, [...(paths.get(v) ?? []), path]);
      return;
    }
    types[path] = typeName(v);
    if (v instanceof Map) for (const [k, x] of v) walk(x, join(k));
    else if (Array.isArray(v)) for (const [i, x] of v.entries()) walk(x, join(i));
    else if (v instanceof PyTuple) for (const [i, x] of v.items.entries()) walk(x, join(i));
  };
  walk(value, '');
  // tensors that would share one storage record when written = views of one storage
  const plan = new StoragePlan(value);
  const groups = new Map<string, string[]>();
  for (const [t, ps] of paths) {
    const key = plan.place(t).key;
    groups.set(key, [...(groups.get(key) ?? []), ...ps]);
  }
  const storages = [...groups.values()].filter((g) => g.length > 1).map((g) => g.sort());
  return { tensors, values, types, storages: storages.sort() };
}

function typeName(v: PyValue): string {
  if (v === null) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'string') return 'str';
  if (v instanceof PyFloat) return 'float';
  if (v instanceof PyOrderedDict) return 'OrderedDict';
  if (v instanceof Map) return 'dict';
  if (Array.isArray(v)) return 'list';
  if (v instanceof PyTuple) return 'tuple';
  return v.constructor.name;
}
