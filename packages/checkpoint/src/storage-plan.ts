import { DTYPES, type DType, littleEndianBytes } from './dtype.js';
import type { TensorPlacement } from './pickle/write.js';
import { PyObject, PyOrderedDict, PySet, PyTuple, type PyValue } from './pyvalue.js';
import { Tensor } from './tensor.js';

interface Region {
  dtype: DType;
  buffer: ArrayBufferLike;
  byteStart: number;
  byteEnd: number;
  key?: string;
}

/**
 * Decides the storages of a value to save: tensors whose data overlap in one buffer (views of one
 * storage, as the reader returns them) share one storage record, like in the file they came from;
 * all others get their own. Keys are "0", "1", … in order of first use, as torch assigns them.
 */
export class StoragePlan {
  private readonly regionOf = new Map<Tensor, { region: Region; offset: number }>();
  private readonly ordered: Region[] = [];

  constructor(value: PyValue) {
    const tensors = collectTensors(value);
    const groups = new Map<string, Tensor[]>();
    const bufferIds = new Map<ArrayBufferLike, number>();
    for (const t of tensors) {
      const b = t.data.buffer;
      if (!bufferIds.has(b)) bufferIds.set(b, bufferIds.size);
      const g = `${bufferIds.get(b)}:${t.dtype}`;
      const list = groups.get(g) ?? [];
      list.push(t);
      groups.set(g, list);
    }
    for (const list of groups.values()) {
      const sorted = [...list].sort((a, b) => a.data.byteOffset - b.data.byteOffset);
      let current: Region | undefined;
      for (const t of sorted) {
        const start = t.data.byteOffset;
        const end = start + t.data.byteLength;
        // Empty tensors never share: torch gives each its own zero-size storage.
        if (
          !current ||
          start >= current.byteEnd ||
          t.numel === 0 ||
          current.byteEnd === current.byteStart
        ) {
          current = { dtype: t.dtype, buffer: t.data.buffer, byteStart: start, byteEnd: end };
        } else {
          current.byteEnd = Math.max(current.byteEnd, end);
        }
        this.regionOf.set(t, { region: current, offset: 0 });
      }
    }
    for (const [t, placed] of this.regionOf) {
      placed.offset = (t.data.byteOffset - placed.region.byteStart) / DTYPES[t.dtype].itemsize;
    }
  }

  place = (t: Tensor): TensorPlacement => {
    const placed = this.regionOf.get(t);
    if (!placed) throw new Error('tensor was not planned');
    const { region } = placed;
    if (region.key === undefined) {
      region.key = String(this.ordered.length);
      this.ordered.push(region);
    }
    const size = DTYPES[region.dtype].itemsize;
    return {
      key: region.key,
      dtype: region.dtype,
      numel: (region.byteEnd - region.byteStart) / size,
      offset: placed.offset,
    };
  };

  /** Storage records in key order (call after pickling, which assigns the keys). */
  records(): { key: string; data: Uint8Array }[] {
    return this.ordered.map((r) => {
      const n = (r.byteEnd - r.byteStart) / DTYPES[r.dtype].itemsize;
      const arr = new DTYPES[r.dtype].array(r.buffer, r.byteStart, n);
      return { key: r.key!, data: littleEndianBytes(arr) };
    });
  }
}

/** Every distinct tensor reachable from `value`, in pickling order. */
function collectTensors(value: PyValue): Tensor[] {
  const out: Tensor[] = [];
  const seen = new Set<object>();
  const walk = (v: PyValue): void => {
    if (v === null || typeof v !== 'object' || v instanceof Uint8Array) return;
    if (seen.has(v)) return;
    seen.add(v);
    if (v instanceof Tensor) out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v instanceof PyTuple) v.items.forEach(walk);
    else if (v instanceof Map) {
      for (const [, x] of v) walk(x);
      if (v instanceof PyOrderedDict && v.attributes) walk(v.attributes);
    } else if (v instanceof PySet) v.items.forEach(walk);
    else if (v instanceof PyObject) {
      v.args.forEach(walk);
      walk(v.state);
    }
  };
  walk(value);
  return out;
}
