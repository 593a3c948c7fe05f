import { FormatError } from '../errors.js';
import { keepShape } from '../keep-shape.js';
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
import { Memo } from './memo.js';
import { HIGHEST_PROTOCOL } from './opcodes.js';
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
 *
 * Two loops, shaped by V8's tier-up rules so that a one-shot load never wakes TurboFan, whose
 * first compile in a process maps ~3.2 MiB of the compiler's own code and needs working memory
 * besides (a cold ResNet50 load peaked 4.1 MiB higher than with --no-opt, against a budget of
 * file size + 50 MiB):
 * - The inner loop runs the dozen opcodes torch's pickler emits per tensor (9,800 of them for
 *   ResNet50), most frequent first, with the stack and memo in locals and the operands read
 *   inline. Calling small helpers (u8(), top(), memo.set()) ~3,000 times each had V8 optimize
 *   them ("small function") in the middle of a cold load.
 * - The outer loop runs any other opcode, and every opcode within 5 bytes of the end, through the
 *   full switch with bounds-checked reads. It lives in the same function on purpose: V8 charges
 *   each inner-loop iteration only the inner loop's bytecode, but requires ticks in proportion to
 *   the whole function's size before optimizing it, so a ResNet50 load ends at ~15 of the 42
 *   ticks unpickle() needs (with all cases in one loop, it was OSR-compiled mid-load; with the
 *   other cases in a separate function and the helpers inlined, it reached 10 of its 9).
 * Warm, TurboFan optimizes unpickle() as a whole, as before.
 */
export function unpickle(
  bytes: Uint8Array,
  start: number,
  opts: UnpickleOptions,
): { value: PyValue; end: number } {
  const r = new ByteReader(bytes, start);
  const m: Machine = new Machine(r);
  const memo = new Memo();
  const { view, end } = r;
  const slots = memo.slots;
  const { metastack } = m;
  // m.stack's current array (MARK swaps it), synced with m.stack around the outer loop's opcodes.
  let stack = m.stack;

  for (;;) {
    fast: for (;;) {
      const p = r.pos;
      // Every inline opcode reads at most 5 bytes (opcode + uint32); the outer loop checks the rest.
      const op = p + 5 <= end ? bytes[p]! : -1;
      // Each case moves r.pos past its operands first, as the reader methods do, so errors report
      // the same offsets on both paths. Numeric case labels keep the interpreter from loading
      // Op.X properties to compare against.
      switch (op) {
        case 0x72: {
          // LONG_BINPUT
          r.pos = p + 5;
          if (stack.length === 0) m.underflow();
          const i = view.getUint32(p + 1, true);
          if (slots[i] === undefined) memo.size++;
          slots[i] = stack[stack.length - 1]!;
          break;
        }
        case 0x68: {
          // BINGET
          r.pos = p + 2;
          const v = slots[bytes[p + 1]!];
          stack.push(v === undefined ? memo.get(bytes[p + 1]!) : v);
          break;
        }
        case 0x4b: // BININT1
          r.pos = p + 2;
          stack.push(bytes[p + 1]!);
          break;
        case 0x28: // MARK
          r.pos = p + 1;
          metastack.push(stack);
          stack = [];
          break;
        case 0x74: {
          // TUPLE
          r.pos = p + 1;
          const items = stack;
          const prev = metastack.pop();
          if (prev === undefined) m.markMissing();
          stack = prev;
          stack.push(new PyTuple(items as PyValue[]));
          break;
        }
        case 0x58: // BINUNICODE
          r.pos = p + 5;
          stack.push(r.utf8(view.getUint32(p + 1, true)));
          break;
        case 0x52: {
          // REDUCE
          r.pos = p + 1;
          if (stack.length < 2) m.underflow();
          const args = argsOf(stack.pop()!);
          stack.push(callGlobal(stack.pop()!, args, opts));
          break;
        }
        case 0x4d: // BININT2
          r.pos = p + 3;
          stack.push(view.getUint16(p + 1, true));
          break;
        case 0x29: // EMPTY_TUPLE
          r.pos = p + 1;
          stack.push(new PyTuple([]));
          break;
        case 0x85: // TUPLE1
          r.pos = p + 1;
          if (stack.length === 0) m.underflow();
          stack.push(new PyTuple([stack.pop() as PyValue]));
          break;
        case 0x51: // BINPERSID
          r.pos = p + 1;
          if (stack.length === 0) m.underflow();
          stack.push(opts.persistentLoad(stack.pop()!));
          break;
        case 0x89: // NEWFALSE
          r.pos = p + 1;
          stack.push(false);
          break;
        case 0x71: {
          // BINPUT
          r.pos = p + 2;
          if (stack.length === 0) m.underflow();
          const i = bytes[p + 1]!;
          if (slots[i] === undefined) memo.size++;
          slots[i] = stack[stack.length - 1]!;
          break;
        }
        default:
          break fast;
      }
    }
    // Any opcode, bounds-checked.
    m.stack = stack;
    const op = r.u8();
    switch (op) {
      case 0x2e: // STOP
        if (m.stack.length !== 1 || m.metastack.length !== 0) {
          throw new FormatError(`pickle stopped with ${m.stack.length} items on the stack`);
        }
        return { value: finalize(m.stack[0]!, opts), end: r.pos };
      case 0x72: // LONG_BINPUT
        memo.set(r.u32(), m.top());
        break;
      case 0x68: // BINGET
        m.stack.push(memo.get(r.u8()));
        break;
      case 0x4b: // BININT1
        m.stack.push(r.u8());
        break;
      case 0x28: // MARK
        m.mark();
        break;
      case 0x74: {
        // TUPLE
        // popMark() swaps m.stack, so it must run before `m.stack.push` is evaluated.
        const items = m.popMark();
        m.stack.push(new PyTuple(items as PyValue[]));
        break;
      }
      case 0x58: // BINUNICODE
        m.stack.push(r.utf8(r.u32()));
        break;
      case 0x52: {
        // REDUCE
        const args = argsOf(m.pop());
        m.stack.push(callGlobal(m.pop(), args, opts));
        break;
      }
      case 0x4d: // BININT2
        m.stack.push(r.u16());
        break;
      case 0x29: // EMPTY_TUPLE
        m.stack.push(new PyTuple([]));
        break;
      case 0x85: // TUPLE1
        m.stack.push(new PyTuple([m.pop() as PyValue]));
        break;
      case 0x51: // BINPERSID
        m.stack.push(opts.persistentLoad(m.pop()));
        break;
      case 0x89: // NEWFALSE
        m.stack.push(false);
        break;
      case 0x71: // BINPUT
        memo.set(r.u8(), m.top());
        break;
      case 0x80: {
        // PROTO
        const v = r.u8();
        if (v > HIGHEST_PROTOCOL) throw new FormatError(`unsupported pickle protocol ${v}`);
        break;
      }
      case 0x95: // FRAME
        r.u64();
        break;
      case 0x30: // POP
        m.pop();
        break;
      case 0x31: // POP_MARK
        m.popMark();
        break;
      case 0x32: // DUP
        m.stack.push(m.top());
        break;
      case 0x70: // PUT
        memo.set(parseIntLine(r.line()), m.top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, m.top());
        break;
      case 0x67: // GET
        m.stack.push(memo.get(parseIntLine(r.line())));
        break;
      case 0x6a: // LONG_BINGET
        m.stack.push(memo.get(r.u32()));
        break;
      case 0x4e: // NONE
        m.stack.push(null);
        break;
      case 0x88: // NEWTRUE
        m.stack.push(true);
        break;
      case 0x49: {
        // INT
        const line = r.line();
        m.stack.push(line === '01' ? true : line === '00' ? false : parseIntText(line));
        break;
      }
      case 0x4c: // LONG
        m.stack.push(parseIntText(r.line().replace(/L$/, '')));
        break;
      case 0x4a: // BININT
        m.stack.push(r.i32());
        break;
      case 0x8a: // LONG1
        m.stack.push(readLong(r, r.u8()));
        break;
      case 0x8b: {
        // LONG4
        const n = r.i32();
        if (n < 0) throw new FormatError('negative LONG4 length');
        m.stack.push(readLong(r, n));
        break;
      }
      case 0x46: {
        // FLOAT
        const text = r.line();
        const v = Number(text);
        if (Number.isNaN(v) && !/^-?nan$/i.test(text)) throw new FormatError(`bad float ${text}`);
        m.stack.push(v);
        break;
      }
      case 0x47: // BINFLOAT
        m.stack.push(r.f64be());
        break;
      case 0x53: // STRING
        m.stack.push(unescapeProtocol0String(r.line()));
        break;
      case 0x54: {
        // BINSTRING
        const n = r.i32();
        if (n < 0) throw new FormatError('negative BINSTRING length');
        m.stack.push(r.utf8(n));
        break;
      }
      case 0x55: // SHORT_BINSTRING
        m.stack.push(r.utf8(r.u8()));
        break;
      case 0x56: // UNICODE
        m.stack.push(unescapeRawUnicode(r.line()));
        break;
      case 0x8c: // SHORT_BINUNICODE
        m.stack.push(r.utf8(r.u8()));
        break;
      case 0x8d: // BINUNICODE8
        m.stack.push(r.utf8(r.u64()));
        break;
      case 0x42: // BINBYTES
        m.stack.push(r.take(r.u32(), 'bytes'));
        break;
      case 0x43: // SHORT_BINBYTES
        m.stack.push(r.take(r.u8(), 'bytes'));
        break;
      case 0x8e: // BINBYTES8
      case 0x96: // BYTEARRAY8
        m.stack.push(r.take(r.u64(), 'bytes'));
        break;
      case 0x97: // NEXT_BUFFER
        throw new FormatError('pickle refers to out-of-band buffers, which checkpoints never use');
      case 0x98: // READONLY_BUFFER
        break;
      case 0x86: {
        // TUPLE2
        const b = m.pop();
        const a = m.pop();
        m.stack.push(new PyTuple([a, b] as PyValue[]));
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = m.pop();
        const b = m.pop();
        const a = m.pop();
        m.stack.push(new PyTuple([a, b, c] as PyValue[]));
        break;
      }
      case 0x5d: // EMPTY_LIST
        m.stack.push([]);
        break;
      case 0x6c: {
        // LIST
        const items = m.popMark();
        m.stack.push(items as PyValue[]);
        break;
      }
      case 0x61: {
        // APPEND
        const v = m.pop();
        listOf(m.top()).push(v as PyValue);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = m.popMark();
        const list = listOf(m.top());
        for (const v of items) list.push(v as PyValue);
        break;
      }
      case 0x7d: // EMPTY_DICT
        m.stack.push(new Map());
        break;
      case 0x64: {
        // DICT
        const items = m.popMark();
        const d = new Map<string | number, PyValue>();
        setItems(d, items);
        m.stack.push(d);
        break;
      }
      case 0x73: {
        // SETITEM
        const v = m.pop();
        const k = m.pop();
        setItems(dictOf(m.top()), [k, v]);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = m.popMark();
        setItems(dictOf(m.top()), items);
        break;
      }
      case 0x8f: // EMPTY_SET
        m.stack.push(new PySet([], false));
        break;
      case 0x90: {
        // ADDITEMS
        const items = m.popMark();
        const s = m.top();
        if (!(s instanceof PySet) || s.frozen)
          throw new FormatError('ADDITEMS target is not a set');
        s.items.push(...(items as PyValue[]));
        break;
      }
      case 0x91: {
        // FROZENSET
        const items = m.popMark();
        m.stack.push(new PySet(items as PyValue[], true));
        break;
      }
      case 0x63: {
        // GLOBAL
        const module = r.line();
        const name = r.line();
        m.stack.push(resolveGlobal(module, name));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = m.pop();
        const module = m.pop();
        if (typeof module !== 'string' || typeof name !== 'string') {
          throw new FormatError('STACK_GLOBAL expects two strings');
        }
        m.stack.push(resolveGlobal(module, name));
        break;
      }
      case 0x81: {
        // NEWOBJ
        const args = argsOf(m.pop());
        m.stack.push(callGlobal(m.pop(), args, opts));
        break;
      }
      case 0x92: {
        // NEWOBJ_EX
        const kwargs = m.pop();
        const args = argsOf(m.pop());
        if (!(kwargs instanceof Map) || kwargs.size > 0) {
          throw new FormatError('NEWOBJ_EX with keyword arguments is not supported');
        }
        m.stack.push(callGlobal(m.pop(), args, opts));
        break;
      }
      case 0x69: {
        // INST
        const cls = resolveGlobal(r.line(), r.line());
        const args = m.popMark();
        m.stack.push(callGlobal(cls, args, opts));
        break;
      }
      case 0x6f: {
        // OBJ
        const [cls, ...args] = m.popMark();
        if (cls === undefined) throw new FormatError('OBJ without a class');
        m.stack.push(callGlobal(cls, args, opts));
        break;
      }
      case 0x62: {
        // BUILD
        const state = m.pop();
        build(m.top(), state);
        break;
      }
      case 0x50: // PERSID
        m.stack.push(opts.persistentLoad(r.line()));
        break;
      case 0x82: // EXT1
      case 0x83: // EXT2
      case 0x84: // EXT4
        throw new FormatError('pickle uses the copyreg extension registry, which is not supported');
      default:
        throw new FormatError(
          `invalid pickle opcode 0x${op.toString(16).padStart(2, '0')} at offset ${r.pos - 1}`,
        );
    }
    stack = m.stack;
  }
}

/**
 * The VM's stacks. A class rather than closures inside unpickle(): TurboFan inlines a closure by
 * its identity, so per-call closures made the optimized unpickle code die with each load's
 * closures (deoptimized at the next GC, "weak objects") and recompile on every load.
 */
class Machine {
  stack: Arg[] = [];
  readonly metastack: Arg[][] = [];

  constructor(private readonly r: ByteReader) {}

  pop(): Arg {
    if (this.stack.length === 0) this.underflow();
    return this.stack.pop()!;
  }
  top(): Arg {
    if (this.stack.length === 0) this.underflow();
    return this.stack[this.stack.length - 1]!;
  }
  mark(): void {
    this.metastack.push(this.stack);
    this.stack = [];
  }
  /** The items pushed since the last MARK; the stack below it becomes current again. */
  popMark(): Arg[] {
    const items = this.stack;
    const prev = this.metastack.pop();
    if (!prev) this.markMissing();
    this.stack = prev;
    return items;
  }
  underflow(): never {
    throw new FormatError(`pickle stack underflow at offset ${this.r.pos - 1}`);
  }
  markMissing(): never {
    throw new FormatError(`pickle MARK missing at offset ${this.r.pos - 1}`);
  }
}

keepShape(new Machine(new ByteReader(new Uint8Array(0))));

function callGlobal(fn: Arg, args: Arg[], ctx: CallContext): Arg {
  if (!(fn instanceof PyGlobal) || !fn.impl.call) {
    throw new FormatError(`pickle calls ${describeArg(fn)}, which is not callable`);
  }
  return fn.impl.call(args, ctx);
}

function argsOf(t: Arg): Arg[] {
  if (!(t instanceof PyTuple)) throw new FormatError(`pickle call arguments are ${describeArg(t)}`);
  return [...t.items] as Arg[];
}

function readLong(r: ByteReader, n: number): number | bigint {
  if (n > MAX_LONG_BYTES) throw new FormatError(`pickled integer of ${n} bytes is absurd`);
  return decodeLong(r.take(n, 'long'));
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
