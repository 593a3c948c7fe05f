// The `exact` engine: bit-exact with HAWQ, on ORT's integer GEMM kernels.
//
// Layout: the stem (quantized image → 7×7 conv → max pool of the accumulator) runs in NCHW float32,
// exactly as before (integer-valued float32 Conv within the 2^24 bound, split.ts). Every other
// tensor lives in NHWC: a k×k conv is an im2col (Pad, 2k strided Slices, two Concats of uint8
// bytes) followed by one integer GEMM against int8 weights [k²·Cin, Cout] that ORT prepacks at
// load time (MatMulIntegerToFloat/MatMulInteger, MLAS u8×s8 with VNNI). Process CPU ms for a 3×3
// 64→64 conv at 56², batch 1, 1 thread: ConvInteger 10.4 (NCHW im2col, weights not prepacked),
// float32 Conv 2.0, im2col + integer GEMM 1.2 (QLinearConv 0.6, but it cannot return int32).
//
// Exactness: MLAS accumulates u8×s8 products in int32, exactly (|acc| ≤ K·255·128 < 2^31, checked).
// MatMulIntegerToFloat returns float32(acc)·1·1 + bias, exact when every |acc| and |acc + b| ≤ 2^24
// (planSplit's biasInFloat proof); otherwise MatMulInteger's int32 result is cast to float64 and
// the bias added there. Requantization is HAWQ's float64 formula round(acc · m·2^-e) (Mul, Round,
// Clip in float64 — reference/ort-int-requant.md), and the rounded integers stay in float64 through
// the residual sums and ReLUs, which saves the float64↔float32 casts of the old chain; a conv input
// is cast to uint8 once (Cast after Clip, values provably in [0, 255]).
import { multiplierOf } from '../dyadic.js';
import { ExactnessError, UnsupportedModelError } from '../errors.js';
import type { ConvOp, DyadicScale, IntegerModel, IntOp, LinearOp } from '../ir.js';
import { foldReluIntoRequant, nonNegativeTensors } from '../ranges.js';
import { exactFloatConv } from './float-conv.js';
import { GraphBuilder, integerGraphOutputs, valueInfo } from './graph.js';
import { planSplit } from './split.js';

type Ty = 'f32' | 'f64' | 'u8' | 'u8s';
type Layout = 'nchw' | 'nhwc' | 'flat';
const CAST_TO: Record<Ty, number> = { f32: 1, f64: 11, u8: 2, u8s: 2 };
const INT32_LIMIT = 2 ** 31 - 1;

interface Entry {
  layout: Layout;
  channels: number;
  /** Integer value range (±Infinity when unbounded). */
  lo: number;
  hi: number;
  /** ONNX tensor per `${type}/${layout}`; the first one is the produced value. */
  reps: Map<string, string>;
}

/** IR tensors and their ONNX forms; conversions (Cast, Transpose, +128 shift) are inserted lazily and memoized. */
class Tensors {
  private readonly map = new Map<string, Entry>();
  constructor(private readonly g: GraphBuilder) {}

  set(ir: string, e: Omit<Entry, 'reps'>, ty: Ty, onnx: string): void {
    this.map.set(ir, { ...e, reps: new Map([[`${ty}/${e.layout}`, onnx]]) });
  }

  entry(ir: string): Entry {
    const e = this.map.get(ir);
    if (!e)
      throw new UnsupportedModelError(`ONNX export: tensor '${ir}' is used before it is produced`);
    return e;
  }

  has(ir: string): boolean {
    return this.map.has(ir);
  }

  /** The produced value: [type, ONNX name]. */
  first(ir: string): [Ty, string] {
    const [key, name] = [...this.entry(ir).reps][0] as [string, string];
    return [key.split('/')[0] as Ty, name];
  }

  get(ir: string, ty: Ty, layout?: Layout): string {
    const e = this.entry(ir);
    const want = layout ?? e.layout;
    const key = `${ty}/${want}`;
    const have = e.reps.get(key);
    if (have) return have;
    let out: string;
    if (want !== e.layout) {
      const perm =
        e.layout === 'nchw' && want === 'nhwc'
          ? [0, 2, 3, 1]
          : e.layout === 'nhwc' && want === 'nchw'
            ? [0, 3, 1, 2]
            : undefined;
      if (!perm)
        throw new UnsupportedModelError(
          `ONNX export: '${ir}' cannot change layout from ${e.layout} to ${want}`,
        );
      out = this.g.node('Transpose', [this.get(ir, ty)], `${ir}.${ty}.${want}`, { perm });
    } else if (ty === 'u8' || ty === 'u8s') {
      const shift = ty === 'u8s' ? 128 : 0;
      if (e.lo + shift < 0 || e.hi + shift > 255)
        throw new UnsupportedModelError(
          `ONNX export: '${ir}' spans [${e.lo}, ${e.hi}], which does not fit a byte${shift ? ' even shifted by 128' : ''}`,
        );
      const [srcTy, src] = this.first(ir);
      const num = srcTy === 'f64' ? 'f64' : 'f32';
      const x = srcTy === 'u8' || srcTy === 'u8s' ? this.get(ir, 'f32') : src;
      const shifted = shift
        ? this.g.node('Add', [x, constant(this.g, num, `${ir}.shift`, [], [shift])], `${ir}.u8s`)
        : x;
      out = this.g.node('Cast', [shifted], `${ir}.${ty}`, { to: CAST_TO[ty] });
    } else {
      const [srcTy, src] = this.first(ir);
      if (srcTy === 'u8s')
        throw new UnsupportedModelError(`ONNX export: '${ir}' exists only as shifted bytes`);
      out = this.g.node('Cast', [src], `${ir}.${ty}`, { to: CAST_TO[ty] });
    }
    e.reps.set(key, out);
    return out;
  }
}

function constant(
  g: GraphBuilder,
  num: 'f32' | 'f64',
  name: string,
  dims: number[],
  data: ArrayLike<number>,
): string {
  return num === 'f64' ? g.f64(name, dims, data) : g.f32(name, dims, data);
}

/** m·2^-e as a float64 constant broadcasting over the channel axis of `layout`. */
function multiplier(
  g: GraphBuilder,
  name: string,
  s: DyadicScale,
  channels: number,
  layout: Layout,
): string {
  if (s.m.length === 1) return g.f64(`${name}.M`, [], [multiplierOf(s, 0)]);
  const dims = layout === 'nchw' ? [1, channels, 1, 1] : [channels];
  return g.f64(
    `${name}.M`,
    dims,
    Array.from({ length: channels }, (_, c) => multiplierOf(s, c)),
  );
}

/** HAWQ's round(x · m·2^-e) in float64 (half to even, like torch.round), optionally clipped. */
function requant(
  g: GraphBuilder,
  x64: string,
  name: string,
  s: DyadicScale,
  channels: number,
  layout: Layout,
  clamp?: { lo: number; hi: number },
): string {
  const scaled = g.node('Mul', [x64, multiplier(g, name, s, channels, layout)], `${name}.scaled`);
  const q = g.node('Round', [scaled], clamp ? `${name}.round` : name);
  if (!clamp) return q;
  return g.node(
    'Clip',
    [q, g.f64(`${name}.lo`, [], [clamp.lo]), g.f64(`${name}.hi`, [], [clamp.hi])],
    name,
  );
}

/** k×k/stride im2col of an NHWC byte tensor: [N,H,W,C] → [N,Ho,Wo,k²·C], taps in (dy, dx) order. */
function im2col(g: GraphBuilder, x: string, op: ConvOp, padByte: number): string {
  const [, , k] = op.shape;
  const { stride: s, pad: p } = op;
  if (k === 1 && p === 0) {
    if (s === 1) return x;
    return g.node(
      'Slice',
      [
        x,
        g.i64(`${op.name}.s0`, [0, 0]),
        g.i64(`${op.name}.e0`, [2 ** 40, 2 ** 40]),
        g.i64(`${op.name}.ax`, [1, 2]),
        g.i64(`${op.name}.st`, [s, s]),
      ],
      `${op.name}.cols`,
    );
  }
  const padded = p
    ? g.node(
        'Pad',
        [
          x,
          g.i64(`${op.name}.pads`, [0, p, p, 0, 0, p, p, 0]),
          g.init(`${op.name}.padv`, 'uint8', [], new Uint8Array([padByte])),
        ],
        `${op.name}.padded`,
      )
    : x;
  // Tap d along an axis reads d, d+s, … up to Hp-(k-1-d) (exclusive): the same Ho for every tap,
  // written as a negative end so the graph keeps symbolic H and W. Two passes (the k horizontal taps
  // side by side, then k vertical shifts of those rows) copy runs of k·C bytes instead of k² runs of
  // C bytes, which is what ORT's Concat spends its time on.
  const end = (d: number) => (k - 1 - d === 0 ? 2 ** 40 : -(k - 1 - d));
  const step = g.i64(`${op.name}.st`, [s]);
  const shifted = (src: string, axis: number, tag: string) =>
    Array.from({ length: k }, (_, d) =>
      g.node(
        'Slice',
        [
          src,
          g.i64(`${op.name}.${tag}s${d}`, [d]),
          g.i64(`${op.name}.${tag}e${d}`, [end(d)]),
          g.i64(`${op.name}.${tag}ax`, [axis]),
          step,
        ],
        `${op.name}.${tag}${d}`,
      ),
    );
  const rows = g.node('Concat', shifted(padded, 2, 'dx'), `${op.name}.rows`, { axis: 3 });
  return g.node('Concat', shifted(rows, 1, 'dy'), `${op.name}.cols`, { axis: 3 });
}

/**
 * Integer GEMM of bytes [.., K] (zero point `zp`) and int8 weights [K, Cout] plus the int32 bias:
 * float32 out of MatMulIntegerToFloat when provably exact, else int32 → float64 + bias.
 */
function intGemm(
  g: GraphBuilder,
  a: string,
  zp: number,
  w: Int8Array,
  op: ConvOp | LinearOp,
  k: number,
  biasInFloat: boolean,
): ['f32' | 'f64', string] {
  const co = op.shape[0];
  let maxW = 0;
  for (const x of op.weight) maxW = Math.max(maxW, Math.abs(x));
  let maxB = 0;
  for (const b of op.bias) maxB = Math.max(maxB, Math.abs(b));
  if (k * op.inputBound * maxW + maxB > INT32_LIMIT)
    throw new ExactnessError(
      `${op.name}: the int32 accumulator could overflow (K·max|x|·max|w| = ${k * op.inputBound * maxW}); not supported`,
    );
  const wName = g.init(`${op.name}.w`, 'int8', [k, co], w);
  const azp = zp ? g.init(`${op.name}.azp`, 'uint8', [], new Uint8Array([zp])) : '';
  if (biasInFloat) {
    const one = g.f32(`${op.name}.one`, [], [1]);
    return [
      'f32',
      g.node(
        'MatMulIntegerToFloat',
        [a, wName, one, one, azp, '', g.f32(`${op.name}.b`, [co], op.bias)],
        op.out,
        {},
        'com.microsoft',
      ),
    ];
  }
  const acc = g.node('MatMulInteger', azp ? [a, wName, azp] : [a, wName], `${op.name}.i32`);
  const acc64 = g.node('Cast', [acc], `${op.name}.acc`, { to: 11 });
  return ['f64', g.node('Add', [acc64, g.f64(`${op.name}.b`, [co], op.bias)], op.out)];
}

/** Bytes for a conv/linear input: uint8 as is, or int8 values shifted by 128 (zero point 128). */
function byteInput(t: Tensors, ir: string, layout: Layout): [string, number] {
  const e = t.entry(ir);
  if (e.lo >= 0 && e.hi <= 255) return [t.get(ir, 'u8', layout), 0];
  if (e.lo >= -128 && e.hi <= 127) return [t.get(ir, 'u8s', layout), 128];
  throw new UnsupportedModelError(
    `ONNX export: input '${ir}' spans [${e.lo}, ${e.hi}]; the integer kernels need 8-bit activations`,
  );
}

function intConv(
  g: GraphBuilder,
  t: Tensors,
  op: ConvOp,
  nonNeg: boolean,
): ['f32' | 'f64', string] {
  const [co, ci, k] = op.shape;
  const [x, zp] = byteInput(t, op.input, 'nhwc');
  const cols = im2col(g, x, op, zp);
  // Row (dy·k + dx)·Cin + c of the GEMM weight holds W[o, c, dy, dx].
  const w = new Int8Array(k * k * ci * co);
  for (let o = 0; o < co; o++)
    for (let c = 0; c < ci; c++)
      for (let tap = 0; tap < k * k; tap++)
        w[(tap * ci + c) * co + o] = op.weight[(o * ci + c) * k * k + tap] as number;
  const plan = planSplit(op, nonNeg);
  return intGemm(g, cols, zp, w, op, k * k * ci, plan.biasInFloat);
}

function intLinear(
  g: GraphBuilder,
  t: Tensors,
  op: LinearOp,
  nonNeg: boolean,
): ['f32' | 'f64', string] {
  const [o, i] = op.shape;
  const [x, zp] = byteInput(t, op.input, 'flat');
  const w = new Int8Array(i * o);
  for (let r = 0; r < o; r++)
    for (let c = 0; c < i; c++) w[c * o + r] = op.weight[r * i + c] as number;
  return intGemm(g, x, zp, w, op, i, planSplit(op, nonNeg).biasInFloat);
}

export interface ExactExportOptions {
  opset: 13 | 21;
  intermediates?: string[];
}

/** Export the IntegerModel as the exact engine's ONNX model (bytes); same inputs/outputs as exportIntegerOnnx. */
export function exportExactOnnx(model: IntegerModel, opts: ExactExportOptions): Uint8Array {
  const g = new GraphBuilder();
  const t = new Tensors(g);
  g.reserve('input');
  for (const n of [
    model.logits,
    model.logitsInt,
    ...(opts.intermediates ?? []).map((i) => `int.${i}`),
  ])
    g.reserve(n);
  t.set(model.input, { layout: 'nchw', channels: 3, lo: -Infinity, hi: Infinity }, 'f32', 'input');
  const ops = model.ops;
  const nonneg = nonNegativeTensors(ops);
  const { skip, requantInput } = foldReluIntoRequant(ops, new Set(opts.intermediates ?? []));
  for (const op of ops) {
    if (skip.has(op)) continue;
    switch (op.kind) {
      case 'quantizeInput': {
        const m = g.node(
          'Mul',
          [t.get(op.input, 'f32'), g.f32('quant_input.recip', [], [Math.fround(1 / op.scale)])],
          'quant_input.scaled',
        );
        const r = g.node('Round', [m], 'quant_input.round');
        const q = g.node(
          'Clip',
          [
            r,
            g.f32('quant_input.lo', [], [op.clamp.lo]),
            g.f32('quant_input.hi', [], [op.clamp.hi]),
          ],
          op.out,
        );
        t.set(op.out, { layout: 'nchw', channels: 3, ...op.clamp }, 'f32', q);
        break;
      }
      case 'conv': {
        const bounds = { channels: op.shape[0], lo: -Infinity, hi: Infinity };
        if (ops.find((o) => o.out === op.input)?.kind === 'quantizeInput') {
          // the stem reads the NCHW image: a 3-channel 7×7 conv gains little from 147-byte im2col rows
          const [ty, y] = exactFloatConv(g, op, t.get(op.input, 'f32'), nonneg.has(op.input));
          t.set(op.out, { layout: 'nchw', ...bounds }, ty === 'double' ? 'f64' : 'f32', y);
        } else {
          const [ty, y] = intConv(g, t, op, nonneg.has(op.input));
          t.set(op.out, { layout: 'nhwc', ...bounds }, ty, y);
        }
        break;
      }
      case 'linear': {
        const [ty, y] = intLinear(g, t, op, nonneg.has(op.input));
        t.set(
          op.out,
          { layout: 'flat', channels: op.shape[0], lo: -Infinity, hi: Infinity },
          ty,
          y,
        );
        break;
      }
      case 'maxPool': {
        const src = t.entry(op.input);
        if (src.layout !== 'nchw')
          throw new UnsupportedModelError(
            `ONNX export: max pool '${op.name}' is supported on the stem only`,
          );
        const [ty, x] = t.first(op.input);
        const y = g.node('MaxPool', [x], op.out, {
          kernel_shape: [op.kernel, op.kernel],
          strides: [op.stride, op.stride],
          pads: [op.pad, op.pad, op.pad, op.pad],
        });
        t.set(op.out, { ...src }, ty, y);
        break;
      }
      case 'relu': {
        const src = t.entry(op.input);
        const [ty, x] = t.first(op.input);
        const y = g.node('Relu', [x], op.out);
        t.set(op.out, { ...src, lo: Math.max(src.lo, 0), hi: Math.max(src.hi, 0) }, ty, y);
        break;
      }
      case 'requant': {
        const { input: from, clamp } = requantInput(op);
        const src = t.entry(from);
        const y = requant(
          g,
          t.get(from, 'f64'),
          op.name,
          op.scale,
          src.channels,
          src.layout,
          clamp,
        );
        // M > 0: a non-negative input stays non-negative (HAWQ's signed quant_act after a ReLU)
        const lo = src.lo >= 0 ? Math.max(clamp.lo, 0) : clamp.lo;
        t.set(op.out, { layout: src.layout, channels: src.channels, lo, hi: clamp.hi }, 'f64', y);
        break;
      }
      case 'residual': {
        const c = t.entry(op.body).channels;
        const layout: Layout = t.entry(op.body).layout;
        const a = requant(
          g,
          t.get(op.identity, 'f64', layout),
          `${op.name}.identity`,
          op.identityScale,
          c,
          layout,
        );
        const b = requant(g, t.get(op.body, 'f64'), `${op.name}.body`, op.bodyScale, c, layout);
        const y = g.node('Add', [a, b], op.out);
        t.set(op.out, { layout, channels: c, lo: -Infinity, hi: Infinity }, 'f64', y);
        break;
      }
      case 'avgPool': {
        const src = t.entry(op.input);
        const x = t.get(op.input, 'f64');
        const [h0, h1] = src.layout === 'nchw' ? [2, 4] : [1, 3];
        const s = g.node(
          'ReduceSum',
          [x, g.i64(`${op.name}.axes`, [h0, h1 - 1])],
          `${op.name}.sum`,
          {
            keepdims: 0,
          },
        );
        // the map is k×k with k from the input size (7 at HAWQ's 193..224): the area is read from
        // the runtime shape. sum/area is an exact division of integers, as in HAWQ (floor(sum/k²)).
        const hw = g.node(
          'Slice',
          [
            g.node('Shape', [x], `${op.name}.shape`),
            g.i64(`${op.name}.hw.start`, [h0]),
            g.i64(`${op.name}.hw.end`, [h1]),
          ],
          `${op.name}.hw`,
        );
        const area = g.node(
          'Cast',
          [g.node('ReduceProd', [hw], `${op.name}.area.i64`, { keepdims: 0 })],
          `${op.name}.area`,
          { to: 11 },
        );
        const y = g.node('Floor', [g.node('Div', [s, area], `${op.name}.mean`)], op.out);
        t.set(op.out, { layout: 'flat', channels: src.channels, lo: src.lo, hi: src.hi }, 'f64', y);
        break;
      }
      case 'dequantize': {
        const y = g.node(
          'Mul',
          [t.get(op.input, 'f32'), g.f32(`${op.name}.scale`, [op.scale.length], op.scale)],
          `${op.name}.logits`,
        );
        t.set(op.out, { ...t.entry(op.input) }, 'f32', y);
        break;
      }
    }
  }
  const intermediates = (opts.intermediates ?? []).map((name) => {
    if (!t.has(name))
      throw new UnsupportedModelError(
        `ONNX export: no tensor '${name}' in the exact graph (known: IR op outputs)`,
      );
    // intermediates are reported in PyTorch's NCHW order
    const e = t.entry(name);
    const [ty] = t.first(name);
    const num = ty === 'f64' ? 'f64' : 'f32';
    return [name, t.get(name, num, e.layout === 'nhwc' ? 'nchw' : e.layout)] as const;
  });
  const outputs = integerGraphOutputs(
    g,
    model,
    t.get(model.logits, 'f32'),
    t.first(model.logitsInt)[1],
    intermediates,
  );
  return g.toBytes({
    inputs: [valueInfo('input', 'float', ['N', 3, 'H', 'W'])],
    outputs,
    opset: opts.opset,
    name: `${model.arch}-exact`,
    msDomain: true,
  });
}
