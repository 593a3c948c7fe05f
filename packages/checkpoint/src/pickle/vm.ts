import { FormatError } from '../errors.js';
import { PyObject, PyOrderedDict, PySet, PyTuple, type PyValue } from '../pyvalue.js';
import { TorchStorage } from '../storage.js';
import { Tensor } from '../tensor.js';
import {
  type Arg,
  type CallContext,
  describeArg,
  dictKey,
  PyGlobal,
  resolveGlobal,
} from './globals.js';
import { HIGHEST_PROTOCOL, Op } from './opcodes.js';
import { ByteReader, decodeLong, normalizeInt } from './reader.js';
import { unescapeProtocol0String, unescapeRawUnicode } from './text.js';

export interface UnpickleOptions extends CallContext {
  /** Resolves a persistent id (torch's storage tuples) to a storage; anything else is an error. */
  persistentLoad(pid: Arg): TorchStorage;
}

/** Longest LONG1/LONG4 integer we decode: real checkpoints never hold ints this large. */
const MAX_LONG_BYTES = 1024;
/** Deepest container nesting the result may have (keeps later recursive walks safe). */
const MAX_DEPTH = 1000;

/**
 * Runs the pickle that starts at `start` up to its STOP opcode. No code is executed: GLOBAL only
 * resolves names on the allow-list (see globals.ts) to our own pure functions.
 */
export function unpickle(
  bytes: Uint8Array,
  start: number,
  opts: UnpickleOptions,
): { value: PyValue; end: number } {
  const r = new ByteReader(bytes, start);
  let stack: Arg[] = [];
  const metastack: Arg[][] = [];
  const memo = new Map<number, Arg>();

  const pop = (): Arg => {
    if (stack.length === 0) throw new FormatError(`pickle stack underflow at offset ${r.pos - 1}`);
    return stack.pop()!;
  };
  const top = (): Arg => {
    if (stack.length === 0) throw new FormatError(`pickle stack underflow at offset ${r.pos - 1}`);
    return stack[stack.length - 1]!;
  };
  const popMark = (): Arg[] => {
    const items = stack;
    const prev = metastack.pop();
    if (!prev) throw new FormatError(`pickle MARK missing at offset ${r.pos - 1}`);
    stack = prev;
    return items;
  };
  const memoGet = (i: number): Arg => {
    if (!memo.has(i)) throw new FormatError(`pickle memo entry ${i} is missing`);
    return memo.get(i)!;
  };
  const call = (fn: Arg, args: Arg[]): Arg => {
    if (!(fn instanceof PyGlobal) || !fn.impl.call) {
      throw new FormatError(`pickle calls ${describeArg(fn)}, which is not callable`);
    }
    return fn.impl.call(args, opts);
  };
  const argsOf = (t: Arg): Arg[] => {
    if (!(t instanceof PyTuple))
      throw new FormatError(`pickle call arguments are ${describeArg(t)}`);
    return [...t.items] as Arg[];
  };
  const long = (n: number): number | bigint => {
    if (n > MAX_LONG_BYTES) throw new FormatError(`pickled integer of ${n} bytes is absurd`);
    return decodeLong(r.take(n, 'long'));
  };

  for (;;) {
    const op = r.u8();
    switch (op) {
      case Op.PROTO: {
        const v = r.u8();
        if (v > HIGHEST_PROTOCOL) throw new FormatError(`unsupported pickle protocol ${v}`);
        break;
      }
      case Op.FRAME:
        r.u64();
        break;
      case Op.STOP:
        if (stack.length !== 1 || metastack.length !== 0) {
          throw new FormatError(`pickle stopped with ${stack.length} items on the stack`);
        }
        return { value: finalize(stack[0]!, opts), end: r.pos };
      case Op.MARK:
        metastack.push(stack);
        stack = [];
        break;
      case Op.POP:
        pop();
        break;
      case Op.POP_MARK:
        popMark();
        break;
      case Op.DUP:
        stack.push(top());
        break;
      case Op.PUT:
        memo.set(parseIntLine(r.line()), top());
        break;
      case Op.BINPUT:
        memo.set(r.u8(), top());
        break;
      case Op.LONG_BINPUT:
        memo.set(r.u32(), top());
        break;
      case Op.MEMOIZE:
        memo.set(memo.size, top());
        break;
      case Op.GET:
        stack.push(memoGet(parseIntLine(r.line())));
        break;
      case Op.BINGET:
        stack.push(memoGet(r.u8()));
        break;
      case Op.LONG_BINGET:
        stack.push(memoGet(r.u32()));
        break;
      case Op.NONE:
        stack.push(null);
        break;
      case Op.NEWTRUE:
        stack.push(true);
        break;
      case Op.NEWFALSE:
        stack.push(false);
        break;
      case Op.INT: {
        const line = r.line();
        stack.push(line === '01' ? true : line === '00' ? false : parseIntText(line));
        break;
      }
      case Op.LONG:
        stack.push(parseIntText(r.line().replace(/L$/, '')));
        break;
      case Op.BININT:
        stack.push(r.i32());
        break;
      case Op.BININT1:
        stack.push(r.u8());
        break;
      case Op.BININT2:
        stack.push(r.u16());
        break;
      case Op.LONG1:
        stack.push(long(r.u8()));
        break;
      case Op.LONG4: {
        const n = r.i32();
        if (n < 0) throw new FormatError('negative LONG4 length');
        stack.push(long(n));
        break;
      }
      case Op.FLOAT: {
        const text = r.line();
        const v = Number(text);
        if (Number.isNaN(v) && !/^-?nan$/i.test(text)) throw new FormatError(`bad float ${text}`);
        stack.push(v);
        break;
      }
      case Op.BINFLOAT:
        stack.push(r.f64be());
        break;
      case Op.STRING:
        stack.push(unescapeProtocol0String(r.line()));
        break;
      case Op.BINSTRING: {
        const n = r.i32();
        if (n < 0) throw new FormatError('negative BINSTRING length');
        stack.push(r.utf8(n));
        break;
      }
      case Op.SHORT_BINSTRING:
        stack.push(r.utf8(r.u8()));
        break;
      case Op.UNICODE:
        stack.push(unescapeRawUnicode(r.line()));
        break;
      case Op.BINUNICODE:
        stack.push(r.utf8(r.u32()));
        break;
      case Op.SHORT_BINUNICODE:
        stack.push(r.utf8(r.u8()));
        break;
      case Op.BINUNICODE8:
        stack.push(r.utf8(r.u64()));
        break;
      case Op.BINBYTES:
        stack.push(r.take(r.u32(), 'bytes'));
        break;
      case Op.SHORT_BINBYTES:
        stack.push(r.take(r.u8(), 'bytes'));
        break;
      case Op.BINBYTES8:
      case Op.BYTEARRAY8:
        stack.push(r.take(r.u64(), 'bytes'));
        break;
      case Op.NEXT_BUFFER:
        throw new FormatError('pickle refers to out-of-band buffers, which checkpoints never use');
      case Op.READONLY_BUFFER:
        break;
      case Op.EMPTY_TUPLE:
        stack.push(new PyTuple([]));
        break;
      case Op.TUPLE1:
        stack.push(new PyTuple([pop() as PyValue]));
        break;
      case Op.TUPLE2: {
        const b = pop();
        const a = pop();
        stack.push(new PyTuple([a, b] as PyValue[]));
        break;
      }
      case Op.TUPLE3: {
        const c = pop();
        const b = pop();
        const a = pop();
        stack.push(new PyTuple([a, b, c] as PyValue[]));
        break;
      }
      case Op.TUPLE: {
        // popMark() swaps `stack`, so it must run before `stack.push` is evaluated.
        const items = popMark();
        stack.push(new PyTuple(items as PyValue[]));
        break;
      }
      case Op.EMPTY_LIST:
        stack.push([]);
        break;
      case Op.LIST: {
        const items = popMark();
        stack.push(items as PyValue[]);
        break;
      }
      case Op.APPEND: {
        const v = pop();
        listOf(top()).push(v as PyValue);
        break;
      }
      case Op.APPENDS: {
        const items = popMark();
        const list = listOf(top());
        for (const v of items) list.push(v as PyValue);
        break;
      }
      case Op.EMPTY_DICT:
        stack.push(new Map());
        break;
      case Op.DICT: {
        const items = popMark();
        const d = new Map<string | number, PyValue>();
        setItems(d, items);
        stack.push(d);
        break;
      }
      case Op.SETITEM: {
        const v = pop();
        const k = pop();
        setItems(dictOf(top()), [k, v]);
        break;
      }
      case Op.SETITEMS: {
        const items = popMark();
        setItems(dictOf(top()), items);
        break;
      }
      case Op.EMPTY_SET:
        stack.push(new PySet([], false));
        break;
      case Op.ADDITEMS: {
        const items = popMark();
        const s = top();
        if (!(s instanceof PySet) || s.frozen)
          throw new FormatError('ADDITEMS target is not a set');
        s.items.push(...(items as PyValue[]));
        break;
      }
      case Op.FROZENSET: {
        const items = popMark();
        stack.push(new PySet(items as PyValue[], true));
        break;
      }
      case Op.GLOBAL: {
        const module = r.line();
        const name = r.line();
        stack.push(resolveGlobal(module, name));
        break;
      }
      case Op.STACK_GLOBAL: {
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') {
          throw new FormatError('STACK_GLOBAL expects two strings');
        }
        stack.push(resolveGlobal(module, name));
        break;
      }
      case Op.REDUCE: {
        const args = argsOf(pop());
        stack.push(call(pop(), args));
        break;
      }
      case Op.NEWOBJ: {
        const args = argsOf(pop());
        stack.push(call(pop(), args));
        break;
      }
      case Op.NEWOBJ_EX: {
        const kwargs = pop();
        const args = argsOf(pop());
        if (!(kwargs instanceof Map) || kwargs.size > 0) {
          throw new FormatError('NEWOBJ_EX with keyword arguments is not supported');
        }
        stack.push(call(pop(), args));
        break;
      }
      case Op.INST: {
        const cls = resolveGlobal(r.line(), r.line());
        const args = popMark();
        stack.push(call(cls, args));
        break;
      }
      case Op.OBJ: {
        const [cls, ...args] = popMark();
        if (cls === undefined) throw new FormatError('OBJ without a class');
        stack.push(call(cls, args));
        break;
      }
      case Op.BUILD: {
        const state = pop();
        build(top(), state);
        break;
      }
      case Op.PERSID:
        stack.push(opts.persistentLoad(r.line()));
        break;
      case Op.BINPERSID:
        stack.push(opts.persistentLoad(pop()));
        break;
      case Op.EXT1:
      case Op.EXT2:
      case Op.EXT4:
        throw new FormatError('pickle uses the copyreg extension registry, which is not supported');
      default:
        throw new FormatError(
          `invalid pickle opcode 0x${op.toString(16).padStart(2, '0')} at offset ${r.pos - 1}`,
        );
    }
  }
}

function listOf(v: Arg): PyValue[] {
  if (!Array.isArray(v)) throw new FormatError(`pickle appends to ${describeArg(v)}`);
  return v;
}

function dictOf(v: Arg): Map<string | number, PyValue> {
  if (!(v instanceof Map)) throw new FormatError(`pickle sets an item on ${describeArg(v)}`);
  return v;
}

function setItems(d: Map<string | number, PyValue>, items: Arg[]): void {
  if (items.length % 2 !== 0) throw new FormatError('odd number of dict items');
  for (let i = 0; i < items.length; i += 2) d.set(dictKey(items[i]!), items[i + 1] as PyValue);
}

/** BUILD (setstate): only instance attributes of objects we represent are accepted. */
function build(obj: Arg, state: Arg): void {
  if (obj instanceof PyOrderedDict) {
    // OrderedDict's state is its __dict__ (state_dict()'s `_metadata`), possibly (dict, slots).
    const s = state instanceof PyTuple ? state.items[0] : state;
    if (s instanceof Map) obj.attributes = s;
    else if (s !== null) throw new FormatError('OrderedDict state must be a dict');
    return;
  }
  if (obj instanceof PyObject) {
    obj.state = state as PyValue;
    return;
  }
  throw new FormatError(`pickle sets the state of ${describeArg(obj)}, which is not supported`);
}

function parseIntLine(text: string): number {
  if (!/^\d{1,15}$/.test(text)) throw new FormatError(`bad memo index ${JSON.stringify(text)}`);
  return Number(text);
}

function parseIntText(text: string): number | bigint {
  if (!/^[-+]?\d{1,2000}$/.test(text))
    throw new FormatError(`bad int ${JSON.stringify(text.slice(0, 40))}`);
  return normalizeInt(BigInt(text));
}

/**
 * Checks the result holds only values (no bare globals) and turns storages pickled on their own
 * into 1-D tensors. Shared and cyclic references are visited once.
 */
function finalize(root: Arg, ctx: CallContext): PyValue {
  const seen = new Set<object>();
  const fix = (v: Arg, depth: number): PyValue => {
    if (v === null || typeof v !== 'object' || v instanceof Uint8Array || v instanceof Tensor) {
      return v as PyValue;
    }
    if (v instanceof PyGlobal) {
      throw new FormatError(`the pickle returns the global ${v.qualifiedName} as a value`);
    }
    if (v instanceof TorchStorage) return v.loaded ? v.asTensor(ctx.budget) : null;
    if (depth > MAX_DEPTH) throw new FormatError(`containers nested deeper than ${MAX_DEPTH}`);
    if (seen.has(v)) return v;
    seen.add(v);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) v[i] = fix(v[i]!, depth + 1);
    } else if (v instanceof PyTuple) {
      const items = v.items as PyValue[];
      for (let i = 0; i < items.length; i++) items[i] = fix(items[i]!, depth + 1);
    } else if (v instanceof Map) {
      for (const [k, x] of v) v.set(k, fix(x, depth + 1));
      if (v instanceof PyOrderedDict && v.attributes) fix(v.attributes, depth + 1);
    } else if (v instanceof PySet) {
      for (let i = 0; i < v.items.length; i++) v.items[i] = fix(v.items[i]!, depth + 1);
    } else if (v instanceof PyObject) {
      for (const a of v.args) fix(a, depth + 1);
      v.state = fix(v.state, depth + 1);
    }
    return v as PyValue;
  };
  return fix(root, 0);
}
