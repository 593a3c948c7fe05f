// IntegerModel → ONNX. One exporter, two engines:
// - exact: integer-valued float32 Conv/MatMul within the 2^24 bound (split.ts), int accumulators and
//   HAWQ requantization in float64: Cast(DOUBLE) → Mul(m·2^-e) → Round (half to even) → Clip → …
//   (reference/ort-int-requant.md). Bit-exact with HAWQ.
// - fast: every conv whose result goes through ReLU into an ≤8-bit unsigned quantizer becomes an
//   int8 QLinearConv (u8 activations × s8 per-channel weights) that requantizes with float32 scales;
//   the other convs accumulate in float32 unsplit and every requantization runs in float32.
//   HAWQ's rounding is approximated there, the 16-bit residual stream is kept.
// - int8: an int8 graph end to end (QLinearConv, QLinearAdd, QLinearGlobalAveragePool), built by
//   export-int8.ts; the 16-bit residual stream is approximated with 8 bits too.
import { multiplierOf } from '../dyadic.js';
import { UnsupportedModelError } from '../errors.js';
import type { ConvOp, DyadicScale, IntegerModel, IntOp, LinearOp, RequantOp } from '../ir.js';
import { foldReluIntoRequant, nonNegativeTensors, useCounts } from '../ranges.js';
import { exportExactOnnx } from './export-exact.js';
import { exportInt8Onnx } from './export-int8.js';
import { exactFloatConv, float32Layer } from './float-conv.js';
import { GraphBuilder, integerGraphOutputs, valueInfo } from './graph.js';
import { planSplit } from './split.js';

export type Engine = 'exact' | 'fast' | 'int8';

export interface ExportOptions {
  engine?: Engine;
  /** 13 (default) or 21. */
  opset?: 13 | 21;
  /** IR tensor names to expose as extra int32 graph outputs (e.g. 'quant_input', 'quant_act_int32'). */
  intermediates?: string[];
  /**
   * Measurement only: accumulate every conv/linear (bias included) in one float32 op, unsplit, then
   * round to the nearest integer — how HAWQ (and a tfjs fake-quant path) simulates the integer
   * accumulator. Beyond 2^24 this differs from the true integer; the benchmark counts how often.
   */
  float32Accumulation?: boolean;
  /**
   * exact engine only: 'int8' (default) runs every conv after the stem as an integer GEMM in NHWC
   * (export-exact.ts); 'float32' keeps the NCHW integer-valued float32 convs (channel-split beyond
   * 2^24) — the previous graph, kept for comparison. Both are bit-exact.
   */
  exactKernels?: 'int8' | 'float32';
}

type Repr = 'float' | 'double' | 'uint8';

class Values {
  private readonly map = new Map<string, Map<Repr, string>>();
  constructor(private readonly g: GraphBuilder) {}

  set(ir: string, repr: Repr, onnxName: string): void {
    this.map.set(ir, new Map([[repr, onnxName]]));
  }

  has(ir: string): boolean {
    return this.map.has(ir);
  }

  /** The tensor in whichever element type it was produced (for type-agnostic ops such as Relu). */
  any(ir: string): [Repr, string] {
    const reps = this.map.get(ir);
    if (!reps)
      throw new UnsupportedModelError(`ONNX export: tensor '${ir}' is used before it is produced`);
    return [...reps][0] as [Repr, string];
  }

  /** The tensor in the wanted element type, inserting (and memoizing) a Cast. All values are exact small integers. */
  get(ir: string, repr: Repr): string {
    const reps = this.map.get(ir);
    if (!reps)
      throw new UnsupportedModelError(`ONNX export: tensor '${ir}' is used before it is produced`);
    const have = reps.get(repr);
    if (have) return have;
    const [, src] = [...reps][0] as [Repr, string];
    const to = { float: 1, double: 11, uint8: 2 }[repr];
    const cast = this.g.node('Cast', [src], `${ir}.${repr}`, { to });
    reps.set(repr, cast);
    return cast;
  }
}

type Num = 'float' | 'double';

function numConst(
  g: GraphBuilder,
  num: Num,
  name: string,
  dims: number[],
  data: ArrayLike<number>,
): string {
  return num === 'double' ? g.f64(name, dims, data) : g.f32(name, dims, data);
}

function dyadicConst(
  g: GraphBuilder,
  num: Num,
  name: string,
  s: DyadicScale,
  channels: number,
  rank: number,
): string {
  if (s.m.length === 1) return numConst(g, num, `${name}.M`, [], [multiplierOf(s, 0)]);
  const dims = rank === 4 ? [1, channels, 1, 1] : [1, channels];
  return numConst(
    g,
    num,
    `${name}.M`,
    dims,
    Array.from({ length: channels }, (_, c) => multiplierOf(s, c)),
  );
}

/** Number of output channels of a tensor produced by the op that makes `ir` (for per-channel constants). */
function channelsOf(ops: IntOp[], ir: string): number {
  for (const op of ops) {
    if (op.out !== ir) continue;
    if (op.kind === 'conv' || op.kind === 'linear') return op.shape[0];
    if (op.kind === 'residual') return channelsOf(ops, op.body);
    if (op.kind === 'quantizeInput') return 3;
    return channelsOf(ops, op.input);
  }
  return 1;
}

/**
 * round(x · m·2^-e) in `num` precision, then (float64 only) Cast back to float32 — the rounded
 * integers are small (|q| ≤ 2^17 in HAWQ ResNets; HAWQ itself holds them in float32), and ORT's
 * float32 elementwise kernels are several times faster than its float64 ones. Clip runs after the
 * Cast: rounding to float32 is monotone and the bounds are representable, so clipping is unchanged.
 */
function requantChain(
  g: GraphBuilder,
  num: Num,
  x: string,
  name: string,
  s: DyadicScale,
  channels: number,
  rank: number,
  clamp?: { lo: number; hi: number },
): string {
  const mul = g.node('Mul', [x, dyadicConst(g, num, name, s, channels, rank)], `${name}.scaled`);
  const rounded = g.node('Round', [mul], `${name}.round`);
  const q = num === 'double' ? g.node('Cast', [rounded], `${name}.q`, { to: 1 }) : rounded;
  if (!clamp) return q;
  return g.node(
    'Clip',
    [q, g.f32(`${name}.lo`, [], [clamp.lo]), g.f32(`${name}.hi`, [], [clamp.hi])],
    name,
  );
}

function exactLinear(g: GraphBuilder, v: Values, op: LinearOp, nonNeg: boolean): [Repr, string] {
  const [o, i] = op.shape;
  const plan = planSplit(op, nonNeg);
  const x = v.get(op.input, 'float');
  if (plan.biasInFloat) return ['float', float32Layer(g, x, op, false)];
  const outs: string[] = [];
  let c0 = 0;
  plan.groups.forEach((cg, gi) => {
    const wt = new Float32Array(cg * o);
    for (let r = 0; r < o; r++)
      for (let c = 0; c < cg; c++) wt[c * o + r] = op.weight[r * i + c0 + c] as number;
    const xi =
      plan.groups.length > 1
        ? g.node(
            'Slice',
            [
              x,
              g.i64(`${op.name}.s${gi}`, [c0]),
              g.i64(`${op.name}.e${gi}`, [c0 + cg]),
              g.i64(`${op.name}.a${gi}`, [1]),
            ],
            `${op.name}.x${gi}`,
          )
        : x;
    const y = g.node('MatMul', [xi, g.f32(`${op.name}.w${gi}`, [cg, o], wt)], `${op.name}.mm${gi}`);
    outs.push(g.node('Cast', [y], `${op.name}.acc${gi}`, { to: 11 }));
    c0 += cg;
  });
  const sum = outs.length > 1 ? g.node('Sum', outs, `${op.name}.sum`) : (outs[0] as string);
  return ['double', g.node('Add', [sum, g.f64(`${op.name}.b`, [o], op.bias)], op.out)];
}

/** fast engine: conv → relu → unsigned ≤8-bit requant, as one QLinearConv (u8 × s8, per-channel float scale). */
function fastConv(g: GraphBuilder, v: Values, conv: ConvOp, rq: RequantOp): string {
  const [co, ci, k] = conv.shape;
  const wScale = Float32Array.from({ length: co }, (_, c) => multiplierOf(rq.scale, c));
  const y = g.node(
    'QLinearConv',
    [
      v.get(conv.input, 'uint8'),
      g.f32(`${conv.name}.xs`, [], [1]),
      g.init(`${conv.name}.xz`, 'uint8', [], new Uint8Array([0])),
      g.init(`${conv.name}.w`, 'int8', [co, ci, k, k], conv.weight),
      g.f32(`${conv.name}.ws`, [co], wScale),
      g.init(`${conv.name}.wz`, 'int8', [co], new Int8Array(co)),
      g.f32(`${conv.name}.ys`, [], [1]),
      g.init(`${conv.name}.yz`, 'uint8', [], new Uint8Array([0])),
      g.init(`${conv.name}.b`, 'int32', [co], conv.bias),
    ],
    `${rq.name}.u8`,
    {
      kernel_shape: [k, k],
      strides: [conv.stride, conv.stride],
      pads: [conv.pad, conv.pad, conv.pad, conv.pad],
    },
  );
  if (rq.clamp.hi >= 255) return y;
  return g.node(
    'Clip',
    [
      y,
      g.init(`${rq.name}.lo`, 'uint8', [], new Uint8Array([0])),
      g.init(`${rq.name}.hi`, 'uint8', [], new Uint8Array([rq.clamp.hi])),
    ],
    rq.name,
  );
}

/** Export the IntegerModel as an ONNX model (bytes). Inputs: `input` float32 [N,3,H,W]; outputs: `logits`, `logits_int`. */
export function exportIntegerOnnx(model: IntegerModel, opts: ExportOptions = {}): Uint8Array {
  const engine = opts.engine ?? 'exact';
  const opset = opts.opset ?? 13;
  if (opset !== 13 && opset !== 21)
    throw new UnsupportedModelError(`ONNX export: opset ${opset} is not supported (use 13 or 21)`);
  if (engine === 'int8') return exportInt8Onnx(model, { opset, intermediates: opts.intermediates });
  if (engine === 'exact' && opts.float32Accumulation !== true && opts.exactKernels !== 'float32')
    return exportExactOnnx(model, { opset, intermediates: opts.intermediates });
  // exact: integer arithmetic in float64; fast: float32 (approximate beyond 2^24).
  const num: Num = engine === 'fast' ? 'float' : 'double';
  const f32acc = engine === 'fast' || opts.float32Accumulation === true;
  const g = new GraphBuilder();
  const v = new Values(g);
  g.reserve('input');
  for (const n of [
    model.logits,
    model.logitsInt,
    ...(opts.intermediates ?? []).map((i) => `int.${i}`),
  ])
    g.reserve(n);
  v.set(model.input, 'float', 'input');
  const ops = model.ops;
  const nonneg = nonNegativeTensors(ops);
  const uses = useCounts(ops);
  const { skip, requantInput } = foldReluIntoRequant(ops, new Set(opts.intermediates ?? []));
  const passThrough = (op: { input: string }): Repr => {
    const [repr] = v.any(op.input);
    return repr === 'uint8' ? 'float' : repr;
  };
  const pool = (k: number, st: number, p: number) => ({
    kernel_shape: [k, k],
    strides: [st, st],
    pads: [p, p, p, p],
  });
  ops.forEach((op, idx) => {
    if (skip.has(op)) return;
    switch (op.kind) {
      case 'quantizeInput': {
        const x = v.get(op.input, 'float');
        const m = g.node(
          'Mul',
          [x, g.f32('quant_input.recip', [], [Math.fround(1 / op.scale)])],
          'quant_input.scaled',
        );
        const r = g.node('Round', [m], 'quant_input.round');
        v.set(
          op.out,
          'float',
          g.node(
            'Clip',
            [
              r,
              g.f32('quant_input.lo', [], [op.clamp.lo]),
              g.f32('quant_input.hi', [], [op.clamp.hi]),
            ],
            op.out,
          ),
        );
        return;
      }
      case 'conv': {
        const relu = ops[idx + 1];
        const rq = ops[idx + 2];
        const fusable =
          engine === 'fast' &&
          relu?.kind === 'relu' &&
          relu.input === op.out &&
          rq?.kind === 'requant' &&
          rq.input === relu.out &&
          uses.get(op.out) === 1 &&
          uses.get(relu.out) === 1 &&
          rq.clamp.hi <= 255 &&
          nonneg.has(op.input) &&
          op.inputBound <= 255;
        if (fusable) {
          v.set(rq.out, 'uint8', fastConv(g, v, op, rq));
          skip.add(relu);
          skip.add(rq);
        } else if (f32acc)
          v.set(op.out, 'float', float32Layer(g, v.get(op.input, 'float'), op, true));
        else
          v.set(op.out, ...exactFloatConv(g, op, v.get(op.input, 'float'), nonneg.has(op.input)));
        return;
      }
      case 'linear':
        if (f32acc) v.set(op.out, 'float', float32Layer(g, v.get(op.input, 'float'), op, true));
        else v.set(op.out, ...exactLinear(g, v, op, nonneg.has(op.input)));
        return;
      case 'maxPool': {
        const type = passThrough(op);
        v.set(
          op.out,
          type,
          g.node('MaxPool', [v.get(op.input, type)], op.out, pool(op.kernel, op.stride, op.pad)),
        );
        return;
      }
      case 'relu': {
        const type = passThrough(op);
        v.set(op.out, type, g.node('Relu', [v.get(op.input, type)], op.out));
        return;
      }
      case 'requant': {
        const { input: src, clamp } = requantInput(op);
        const rank = ops.find((o) => o.out === op.input)?.kind === 'avgPool' ? 2 : 4;
        v.set(
          op.out,
          'float',
          requantChain(
            g,
            num,
            v.get(src, num),
            op.name,
            op.scale,
            channelsOf(ops, src),
            rank,
            clamp,
          ),
        );
        return;
      }
      case 'residual': {
        const c = channelsOf(ops, op.body);
        const a = requantChain(
          g,
          num,
          v.get(op.identity, num),
          `${op.name}.identity`,
          op.identityScale,
          c,
          4,
        );
        const b = requantChain(g, num, v.get(op.body, num), `${op.name}.body`, op.bodyScale, c, 4);
        v.set(op.out, 'float', g.node('Add', [a, b], op.out));
        return;
      }
      case 'avgPool': {
        const s = g.node(
          'ReduceSum',
          [v.get(op.input, num), g.i64(`${op.name}.axes`, [2, 3])],
          `${op.name}.sum`,
          { keepdims: 0 },
        );
        // the map is k×k with k from the input size (7 at HAWQ's 193..224), so the area is
        // read from the runtime shape rather than baked in
        const hw = g.node(
          'Slice',
          [
            g.node('Shape', [v.get(op.input, num)], `${op.name}.shape`),
            g.i64(`${op.name}.hw.start`, [2]),
            g.i64(`${op.name}.hw.end`, [4]),
          ],
          `${op.name}.hw`,
        );
        const area = g.node(
          'Cast',
          [g.node('ReduceProd', [hw], `${op.name}.area.i64`, { keepdims: 0 })],
          `${op.name}.area`,
          { to: num === 'double' ? 11 : 1 },
        );
        const d = g.node('Div', [s, area], `${op.name}.mean`);
        v.set(op.out, num, g.node('Floor', [d], op.out));
        return;
      }
      case 'dequantize': {
        const y = v.get(op.input, 'float');
        v.set(
          op.out,
          'float',
          g.node(
            'Mul',
            [y, g.f32(`${op.name}.scale`, [op.scale.length], op.scale)],
            `${op.name}.logits`,
          ),
        );
        return;
      }
    }
  });
  const intermediates = (opts.intermediates ?? []).map((name) => {
    if (!v.has(name))
      throw new UnsupportedModelError(
        `ONNX export: no tensor '${name}' in the ${engine} graph (known: IR op outputs)`,
      );
    return [name, v.any(name)[1]] as const;
  });
  const outputs = integerGraphOutputs(
    g,
    model,
    v.get(model.logits, 'float'),
    v.any(model.logitsInt)[1],
    intermediates,
  );
  return g.toBytes({
    inputs: [valueInfo('input', 'float', ['N', 3, 'H', 'W'])],
    outputs,
    opset,
    name: `${model.arch}-${engine}`,
  });
}
