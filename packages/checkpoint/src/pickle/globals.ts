import { type DType, dtypeOfStorageName, isDType } from '../dtype.js';
import { FormatError } from '../errors.js';
import { keepShape } from '../keep-shape.js';
import { PyObject, PyOrderedDict, PySet, PyTuple, type PyValue } from '../pyvalue.js';
import { type CopyBudget, rebuildTensor, TorchStorage } from '../storage.js';
import { Tensor } from '../tensor.js';
import { numpyScalar } from './numpy.js';

/** What may sit on the VM stack: values, resolved globals and storages from persistent ids. */
export type Arg = PyValue | PyGlobal | TorchStorage;

export interface CallContext {
  readonly budget: CopyBudget;
}

interface GlobalImpl {
  /** REDUCE / NEWOBJ / INST: the only "execution" there is — our own pure JS functions. */
  call?(args: Arg[], ctx: CallContext): Arg;
  /** torch.FloatStorage & co. (the class named in a storage's persistent id) */
  storageDtype?: DType;
  /** torch.float32 & co. (an argument of _rebuild_tensor_v3) */
  torchDtype?: DType;
}

/** A `module.name` the pickle referenced, resolved against the allow-list below. */
export class PyGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
    readonly impl: GlobalImpl,
  ) {}
  get qualifiedName(): string {
    return `${this.module}.${this.name}`;
  }
}

keepShape(new PyGlobal('', '', {}));

export function resolveGlobal(module: string, name: string): PyGlobal {
  const impl = ALLOWED.get(`${module}.${name}`);
  if (!impl) {
    throw new FormatError(
      `the pickle asks for the global '${module}.${name}', which is not on the allow-list of safe names; nothing was executed`,
    );
  }
  return new PyGlobal(module, name, impl);
}

/** Names we resolve, so the README and the tests can list them. */
export function allowedGlobals(): string[] {
  return [...ALLOWED.keys()];
}

const ALLOWED = new Map<string, GlobalImpl>();

function allow(names: string | string[], impl: GlobalImpl): void {
  for (const n of Array.isArray(names) ? names : [names]) ALLOWED.set(n, impl);
}

function arity(fn: string, args: Arg[], min: number, max = min): void {
  if (args.length < min || args.length > max) {
    throw new FormatError(`${fn} called with ${args.length} arguments`);
  }
}

function intArg(fn: string, v: Arg): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) {
    throw new FormatError(`${fn} expects an int, got ${describeArg(v)}`);
  }
  return v;
}

function intTuple(fn: string, v: Arg): number[] {
  if (!(v instanceof PyTuple) && !Array.isArray(v)) {
    throw new FormatError(`${fn} expects a tuple of ints, got ${describeArg(v)}`);
  }
  // An index loop, not [...v]: spreading a PyTuple goes through its iterator, which V8's
  // interpreter (all of a cold-process load) runs step by step — twice per tensor here.
  const items = (v instanceof PyTuple ? v.items : v) as readonly Arg[];
  const out: number[] = [];
  for (let i = 0; i < items.length; i++) out.push(intArg(fn, items[i]!));
  return out;
}

function storageArg(fn: string, v: Arg): TorchStorage {
  if (!(v instanceof TorchStorage)) {
    throw new FormatError(`${fn} expects a storage, got ${describeArg(v)}`);
  }
  return v;
}

export function describeArg(v: Arg): string {
  if (v === null) return 'None';
  if (v instanceof PyGlobal) return `global ${v.qualifiedName}`;
  if (v instanceof TorchStorage) return 'a storage';
  if (v instanceof Tensor) return 'a tensor';
  if (v instanceof PyTuple) return 'a tuple';
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Map) return 'a dict';
  if (v instanceof PyObject) return `a ${v.qualifiedName}`;
  return typeof v;
}

// --- containers -------------------------------------------------------------------------------

allow('collections.OrderedDict', {
  call(args) {
    arity('OrderedDict', args, 0, 1);
    const d = new PyOrderedDict();
    if (args.length === 1 && args[0] !== null) {
      const pairs = args[0];
      if (!Array.isArray(pairs) && !(pairs instanceof PyTuple)) {
        throw new FormatError('OrderedDict expects a list of pairs');
      }
      for (const p of pairs as Iterable<Arg>) {
        const kv = p instanceof PyTuple ? p.items : Array.isArray(p) ? p : null;
        if (kv?.length !== 2) throw new FormatError('OrderedDict expects (key, value) pairs');
        d.set(dictKey(kv[0] as Arg), kv[1] as PyValue);
      }
    }
    return d;
  },
});

for (const mod of ['builtins', '__builtin__']) {
  for (const [name, frozen] of [
    ['set', false],
    ['frozenset', true],
  ] as const) {
    allow(`${mod}.${name}`, {
      call(args) {
        arity(name, args, 0, 1);
        const items = args[0] ?? [];
        if (!Array.isArray(items) && !(items instanceof PyTuple)) {
          throw new FormatError(`${name} expects a list`);
        }
        return new PySet([...(items as Iterable<PyValue>)], frozen);
      },
    });
  }
  allow(`${mod}.slice`, {
    call(args) {
      arity('slice', args, 1, 3);
      return new PyObject('builtins', 'slice', args as PyValue[]);
    },
  });
  allow(`${mod}.bytearray`, {
    call(args) {
      arity('bytearray', args, 0, 2);
      const [src, enc] = args;
      if (src === undefined) return new Uint8Array(0);
      if (src instanceof Uint8Array) return new Uint8Array(src);
      if (typeof src === 'string') return encodeString(src, enc ?? 'latin1');
      throw new FormatError('bytearray expects bytes or (str, encoding)');
    },
  });
}

// Protocol 2 pickles bytes as _codecs.encode(latin-1 str, 'latin1') (numpy scalars do this).
allow('_codecs.encode', {
  call(args) {
    arity('_codecs.encode', args, 1, 2);
    if (typeof args[0] !== 'string') throw new FormatError('_codecs.encode expects a str');
    return encodeString(args[0], args[1] ?? 'utf-8');
  },
});

function encodeString(s: string, encoding: Arg): Uint8Array {
  const enc = typeof encoding === 'string' ? encoding.toLowerCase().replace('_', '-') : '';
  if (enc === 'latin1' || enc === 'latin-1' || enc === 'iso-8859-1') {
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c > 0xff) throw new FormatError('latin-1 string holds a character above U+00FF');
      out[i] = c;
    }
    return out;
  }
  if (enc === 'utf-8' || enc === 'utf8') return new TextEncoder().encode(s);
  throw new FormatError(`unsupported string encoding ${String(encoding)}`);
}

export function dictKey(k: Arg): string | number {
  if (typeof k === 'string' || typeof k === 'number') return k;
  if (typeof k === 'boolean') return k ? 1 : 0;
  if (typeof k === 'bigint') return k.toString();
  throw new FormatError(`dict key of type ${describeArg(k)} is not supported`);
}

// --- torch -----------------------------------------------------------------------------------

function tensorFromRebuild(
  fn: string,
  args: Arg[],
  ctx: CallContext,
  dtype?: DType,
): Tensor | null {
  const storage = storageArg(fn, args[0]!);
  if (dtype !== undefined && dtype !== storage.dtype) {
    // v3 names the dtype explicitly; the storage must hold it (ours are always typed).
    if (storage.dtype !== 'uint8') {
      throw new FormatError(`${fn}: dtype ${dtype} does not match a ${storage.dtype} storage`);
    }
    throw new FormatError(`${fn}: tensors over untyped storages are not supported`);
  }
  return rebuildTensor(
    storage,
    intArg(fn, args[1]!),
    intTuple(fn, args[2]!),
    intTuple(fn, args[3]!),
    ctx.budget,
  );
}

allow('torch._utils._rebuild_tensor', {
  call(args, ctx) {
    arity('_rebuild_tensor', args, 4);
    return tensorFromRebuild('_rebuild_tensor', args, ctx);
  },
});
allow('torch._utils._rebuild_tensor_v2', {
  call(args, ctx) {
    arity('_rebuild_tensor_v2', args, 6, 7);
    return tensorFromRebuild('_rebuild_tensor_v2', args, ctx);
  },
});
allow('torch._utils._rebuild_tensor_v3', {
  call(args, ctx) {
    arity('_rebuild_tensor_v3', args, 7, 8);
    const d = args[6];
    if (!(d instanceof PyGlobal) || d.impl.torchDtype === undefined) {
      throw new FormatError('_rebuild_tensor_v3 expects a torch dtype');
    }
    return tensorFromRebuild('_rebuild_tensor_v3', args, ctx, d.impl.torchDtype);
  },
});

function parameterData(fn: string, v: Arg): Tensor | null {
  if (v !== null && !(v instanceof Tensor)) throw new FormatError(`${fn} expects a tensor`);
  return v;
}

// Parameters load as plain tensors: requires_grad and hooks mean nothing outside autograd.
allow('torch._utils._rebuild_parameter', {
  call(args) {
    arity('_rebuild_parameter', args, 3);
    return parameterData('_rebuild_parameter', args[0]!);
  },
});
allow('torch._utils._rebuild_parameter_with_state', {
  call(args) {
    arity('_rebuild_parameter_with_state', args, 4);
    return parameterData('_rebuild_parameter_with_state', args[0]!);
  },
});

// Tensor subclasses (and some Parameters) pickle as _rebuild_from_type_v2(func, type, args, state);
// we only accept it when func is itself on the allow-list and type is Tensor/Parameter.
const TENSOR_TYPES = new Set(['torch.Tensor', 'torch.nn.parameter.Parameter']);
allow('torch._tensor._rebuild_from_type_v2', {
  call(args, ctx) {
    arity('_rebuild_from_type_v2', args, 4);
    const [func, type, fargs] = args;
    if (!(func instanceof PyGlobal) || !func.impl.call) {
      throw new FormatError('_rebuild_from_type_v2 expects a rebuild function');
    }
    if (!(type instanceof PyGlobal) || !TENSOR_TYPES.has(type.qualifiedName)) {
      throw new FormatError('_rebuild_from_type_v2 expects torch.Tensor or Parameter');
    }
    if (!(fargs instanceof PyTuple)) throw new FormatError('_rebuild_from_type_v2 expects args');
    return func.impl.call([...fargs.items] as Arg[], ctx);
  },
});
for (const t of TENSOR_TYPES) allow(t, {});

const STORAGE_NAMES = [
  'FloatStorage',
  'DoubleStorage',
  'HalfStorage',
  'BFloat16Storage',
  'LongStorage',
  'IntStorage',
  'ShortStorage',
  'CharStorage',
  'ByteStorage',
  'BoolStorage',
];
for (const s of STORAGE_NAMES) {
  const dtype = dtypeOfStorageName(s)!;
  allow([`torch.${s}`, `torch.cuda.${s}`], { storageDtype: dtype });
}
// torch >= 2 names untyped storages in persistent ids; torch.load treats their bytes as uint8.
allow(['torch.UntypedStorage', 'torch.storage.UntypedStorage'], { storageDtype: 'uint8' });

const TORCH_DTYPE_ALIASES: Record<string, DType> = {
  float: 'float32',
  double: 'float64',
  half: 'float16',
  long: 'int64',
  int: 'int32',
  short: 'int16',
};
for (const [alias, d] of Object.entries(TORCH_DTYPE_ALIASES))
  allow(`torch.${alias}`, { torchDtype: d });
for (const d of [
  'float32',
  'float64',
  'float16',
  'bfloat16',
  'int64',
  'int32',
  'int16',
  'int8',
  'uint8',
  'bool',
]) {
  if (isDType(d)) allow(`torch.${d}`, { torchDtype: d });
}

allow('torch.Size', {
  call(args) {
    arity('torch.Size', args, 0, 1);
    return new PyTuple(args.length ? intTuple('torch.Size', args[0]!) : []);
  },
});
allow('torch.device', {
  call(args) {
    arity('torch.device', args, 1, 2);
    return new PyObject('torch', 'device', args as PyValue[]);
  },
});

// --- numpy scalars (best_acc1 in some HAWQ checkpoints) and argparse.Namespace ------------------

for (const mod of ['numpy', 'numpy.core.multiarray', 'numpy._core.multiarray']) {
  if (mod === 'numpy') {
    allow('numpy.dtype', {
      call(args) {
        arity('numpy.dtype', args, 1, 3);
        return new PyObject('numpy', 'dtype', args as PyValue[]);
      },
    });
  } else {
    allow(`${mod}.scalar`, { call: (args) => numpyScalar(args as PyValue[]) });
  }
}

allow('argparse.Namespace', {
  call: (args) => new PyObject('argparse', 'Namespace', args as PyValue[]),
});
