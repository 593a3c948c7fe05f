import { DTYPES, type DType } from '../dtype.js';
import { PyFloat, PyObject, PyOrderedDict, PySet, PyTuple, type PyValue } from '../pyvalue.js';
import { Tensor } from '../tensor.js';
import { Op } from './opcodes.js';

/** Where a tensor lives in the archive: its storage record and element offset. */
export interface TensorPlacement {
  key: string;
  dtype: DType;
  /** elements in the whole storage */
  numel: number;
  offset: number;
}

const BATCH = 1000; // CPython's pickle batches APPENDS/SETITEMS by 1000 items

/**
 * A protocol-2 pickler that follows CPython's `pickle.Pickler` (memoization, batching, tuple and
 * reduce encodings) and torch's `persistent_id`, so data.pkl comes out as torch.save writes it.
 * Objects are memoized by identity; strings by value (CPython memoizes by identity, which only
 * differs for equal strings that are distinct objects — both decode the same).
 */
export function pickleProtocol2(value: PyValue, place: (t: Tensor) => TensorPlacement): Uint8Array {
  const out = new Writer();
  const memo = new Map<unknown, number>();
  const strings = new Map<string, number>();
  const globals = new Map<string, number>();

  let next = 0; // memo slots used so far (every BINPUT takes one)
  const put = (): number => {
    const idx = next++;
    if (idx < 256) out.op(Op.BINPUT).u8(idx);
    else out.op(Op.LONG_BINPUT).u32(idx);
    return idx;
  };
  const get = (idx: number): void => {
    if (idx < 256) out.op(Op.BINGET).u8(idx);
    else out.op(Op.LONG_BINGET).u32(idx);
  };
  const memoize = (obj: object): void => {
    memo.set(obj, put());
  };
  const saveGlobal = (module: string, name: string): void => {
    const q = `${module}\n${name}\n`;
    const hit = globals.get(q);
    if (hit !== undefined) {
      get(hit);
      return;
    }
    out.op(Op.GLOBAL).ascii(q);
    globals.set(q, put());
  };
  const saveStr = (s: string): void => {
    const hit = strings.get(s);
    if (hit !== undefined) {
      get(hit);
      return;
    }
    const b = new TextEncoder().encode(s);
    out.op(Op.BINUNICODE).u32(b.length).bytes(b);
    strings.set(s, put());
  };
  const saveInt = (v: number | bigint): void => {
    if (typeof v === 'number' && !Number.isSafeInteger(v))
      throw new TypeError(`cannot pickle ${v} as an int`);
    const n = BigInt(v);
    if (n >= 0n && n <= 0xffn) out.op(Op.BININT1).u8(Number(n));
    else if (n >= 0n && n <= 0xffffn) out.op(Op.BININT2).u16(Number(n));
    else if (n >= -(2n ** 31n) && n < 2n ** 31n) out.op(Op.BININT).i32(Number(n));
    else {
      const b = encodeLong(n);
      if (b.length < 256) out.op(Op.LONG1).u8(b.length).bytes(b);
      else out.op(Op.LONG4).i32(b.length).bytes(b);
    }
  };
  const saveFloat = (v: number): void => {
    out.op(Op.BINFLOAT).f64be(v);
  };
  /** CPython save_tuple: ≤3 items use TUPLE1-3, re-checking the memo for recursive tuples. */
  const saveTuple = (items: readonly PyValue[], obj: object | null): void => {
    if (items.length === 0) {
      out.op(Op.EMPTY_TUPLE);
      return;
    }
    if (items.length <= 3) {
      for (const x of items) save(x);
      out.op([Op.TUPLE1, Op.TUPLE2, Op.TUPLE3][items.length - 1]!);
    } else {
      out.op(Op.MARK);
      for (const x of items) save(x);
      out.op(Op.TUPLE);
    }
    // a tuple that only exists while pickling (torch's fresh tuples) still takes a memo slot
    if (obj) memoize(obj);
    else put();
  };
  const batch = (
    items: readonly unknown[],
    one: number,
    many: number,
    emit: (x: unknown) => void,
  ): void => {
    for (let i = 0; i < items.length; i += BATCH) {
      const chunk = items.slice(i, i + BATCH);
      if (chunk.length > 1) {
        out.op(Op.MARK);
        for (const x of chunk) emit(x);
        out.op(many);
      } else {
        emit(chunk[0]);
        out.op(one);
      }
    }
  };
  const saveDictItems = (d: Map<string | number, PyValue>): void => {
    batch([...d.entries()], Op.SETITEM, Op.SETITEMS, (kv) => {
      const [k, v] = kv as [string | number, PyValue];
      save(k);
      save(v);
    });
  };

  const saveTensor = (t: Tensor): void => {
    const p = place(t);
    saveGlobal('torch._utils', '_rebuild_tensor_v2');
    out.op(Op.MARK);
    // persistent id ('storage', torch.<X>Storage, key, 'cpu', numel), a fresh tuple each time
    out.op(Op.MARK);
    saveStr('storage');
    saveGlobal('torch', DTYPES[p.dtype].storage);
    saveStr(p.key);
    saveStr('cpu');
    saveInt(p.numel);
    out.op(Op.TUPLE);
    put();
    out.op(Op.BINPERSID);
    saveInt(p.offset);
    saveTuple(t.shape, null);
    saveTuple(contiguousStrides(t.shape), null);
    out.op(Op.NEWFALSE); // requires_grad
    saveGlobal('collections', 'OrderedDict'); // backward_hooks = OrderedDict()
    out.op(Op.EMPTY_TUPLE).op(Op.REDUCE);
    put();
    out.op(Op.TUPLE);
    put();
    out.op(Op.REDUCE);
    memoize(t);
  };

  const save = (v: PyValue): void => {
    if (v === null) {
      out.op(Op.NONE);
      return;
    }
    if (typeof v === 'boolean') {
      out.op(v ? Op.NEWTRUE : Op.NEWFALSE);
      return;
    }
    if (typeof v === 'number') {
      if (Number.isInteger(v) && Number.isSafeInteger(v)) saveInt(v);
      else saveFloat(v);
      return;
    }
    if (typeof v === 'bigint') {
      saveInt(v);
      return;
    }
    if (typeof v === 'string') {
      saveStr(v);
      return;
    }
    if (v instanceof PyFloat) {
      saveFloat(v.value);
      return;
    }
    const hit = memo.get(v);
    if (hit !== undefined) {
      get(hit);
      return;
    }
    if (v instanceof Tensor) {
      saveTensor(v);
      return;
    }
    if (v instanceof PyTuple) {
      saveTuple(v.items, v);
      return;
    }
    if (Array.isArray(v)) {
      out.op(Op.EMPTY_LIST);
      memoize(v);
      batch(v, Op.APPEND, Op.APPENDS, (x) => save(x as PyValue));
      return;
    }
    if (v instanceof PyOrderedDict) {
      saveGlobal('collections', 'OrderedDict');
      out.op(Op.EMPTY_TUPLE).op(Op.REDUCE);
      memoize(v);
      saveDictItems(v);
      if (v.attributes && v.attributes.size > 0) {
        save(v.attributes);
        out.op(Op.BUILD);
      }
      return;
    }
    if (v instanceof Map) {
      out.op(Op.EMPTY_DICT);
      memoize(v);
      saveDictItems(v);
      return;
    }
    if (v instanceof Uint8Array) {
      // protocol 2 has no bytes opcode: CPython writes _codecs.encode(latin-1 text, 'latin1')
      if (v.length === 0) {
        saveGlobal('__builtin__', 'bytes');
        out.op(Op.EMPTY_TUPLE).op(Op.REDUCE);
      } else {
        saveGlobal('_codecs', 'encode');
        saveStr(String.fromCharCode(...v));
        saveStr('latin1');
        out.op(Op.TUPLE2);
        put();
        out.op(Op.REDUCE);
      }
      memoize(v);
      return;
    }
    if (v instanceof PySet) {
      saveGlobal('__builtin__', v.frozen ? 'frozenset' : 'set');
      const list = [...v.items];
      out.op(Op.EMPTY_LIST);
      put();
      batch(list, Op.APPEND, Op.APPENDS, (x) => save(x as PyValue));
      out.op(Op.TUPLE1);
      put();
      out.op(Op.REDUCE);
      memoize(v);
      return;
    }
    if (v instanceof PyObject) {
      saveObject(v);
      return;
    }
    throw new TypeError(`cannot pickle ${Object.prototype.toString.call(v)}`);
  };

  const saveObject = (o: PyObject): void => {
    const allowed = WRITABLE_OBJECTS.get(o.qualifiedName);
    if (!allowed) throw new TypeError(`cannot pickle ${o.qualifiedName}: not on the allow-list`);
    saveGlobal(allowed.module, o.name);
    saveTuple(o.args, null);
    out.op(allowed.newobj ? Op.NEWOBJ : Op.REDUCE);
    memoize(o);
    if (o.state !== null) {
      save(o.state);
      out.op(Op.BUILD);
    }
  };

  out.op(Op.PROTO).u8(2);
  save(value);
  out.op(Op.STOP);
  return out.finish();
}

/** Objects we write back, and how CPython reduces them under protocol 2. */
const WRITABLE_OBJECTS = new Map<string, { module: string; newobj: boolean }>([
  ['argparse.Namespace', { module: 'argparse', newobj: true }],
  ['torch.device', { module: 'torch', newobj: false }],
  ['builtins.slice', { module: '__builtin__', newobj: false }],
]);

export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= Math.max(shape[i]!, 1);
  }
  return strides;
}

/** Minimal little-endian two's complement, as CPython's encode_long. */
export function encodeLong(n: bigint): Uint8Array {
  if (n === 0n) return new Uint8Array(0);
  const bytes: number[] = [];
  let x = n;
  while (true) {
    bytes.push(Number(x & 0xffn));
    x >>= 8n;
    const signBit = (bytes[bytes.length - 1]! & 0x80) !== 0;
    if ((x === 0n && !signBit) || (x === -1n && signBit)) break;
  }
  return Uint8Array.from(bytes);
}

/** Growable byte buffer. */
class Writer {
  private buf = new Uint8Array(1 << 16);
  private view = new DataView(this.buf.buffer);
  private len = 0;

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  op(code: number): this {
    return this.u8(code);
  }
  u8(v: number): this {
    this.ensure(1);
    this.buf[this.len++] = v;
    return this;
  }
  u16(v: number): this {
    this.ensure(2);
    this.view.setUint16(this.len, v, true);
    this.len += 2;
    return this;
  }
  u32(v: number): this {
    this.ensure(4);
    this.view.setUint32(this.len, v, true);
    this.len += 4;
    return this;
  }
  i32(v: number): this {
    this.ensure(4);
    this.view.setInt32(this.len, v, true);
    this.len += 4;
    return this;
  }
  f64be(v: number): this {
    this.ensure(8);
    this.view.setFloat64(this.len, v, false);
    this.len += 8;
    return this;
  }
  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }
  ascii(s: string): this {
    return this.bytes(new TextEncoder().encode(s));
  }
  finish(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}
