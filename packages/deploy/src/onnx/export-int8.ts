// The `int8` engine: an int8 graph end to end. Every activation is a uint8 tensor u standing for
// the IR integers v ≈ σ·(u − zp); every conv is a QLinearConv (u8 × s8 per-channel), residual sums
// are com.microsoft QLinearAdd, the final pool is QLinearGlobalAveragePool, and only the tiny
// classifier runs in float32. HAWQ's arithmetic is approximated on purpose:
// - requantizations use QLinearConv's float32 scales instead of dyadic rounding;
// - each requant / ReLU / max pool after a conv is folded into that conv's output scale and clamp
//   (they are monotone, so max pool commutes with them), so the 16-bit stem tensor never exists;
// - HAWQ's unclamped 16-bit residual sums are held as uint8 on the grid of the next quantizer
//   (σ = 1/M of the quant_act that reads them, so that quantizer becomes a pure Clip) and saturate
//   at 255 such steps; the conv branches feeding QLinearAdd are 8-bit on that same grid.
// IR tensors stay lazy (an affine view of a conv accumulator or of a residual sum) until a consumer
// needs real bytes, which is when the output scale is known.
import { multiplierOf } from '../dyadic.js';
import { UnsupportedModelError } from '../errors.js';
import type { ConvOp, DyadicScale, IntegerModel, IntOp } from '../ir.js';
import { useCounts } from '../ranges.js';
import { GraphBuilder, integerGraphOutputs, valueInfo } from './graph.js';
import { blockedConv, spaceToDepth2 } from './space-to-depth.js';

/** Convs with at most this many input channels (the RGB stem) run over SpaceToDepth blocks. */
const STEM_CHANNELS = 4;

/** A materialized uint8 tensor: IR value ≈ scale·(u − zp). */
interface U8 {
  kind: 'u8';
  name: string;
  scale: number;
  zp: number;
}
/** A lazy conv accumulator: IR value ≈ f[c]·(conv(x, W) + b), clamped to [lo, hi], maybe max-pooled. */
interface Acc {
  kind: 'acc';
  conv: ConvOp;
  x: U8;
  f: Float64Array;
  lo: number;
  hi: number;
  pool?: { kernel: number; stride: number; pad: number };
}
/** A lazy residual sum of two branches, clamped to [lo, hi]. */
interface Sum {
  kind: 'sum';
  parts: [Part, Part];
  lo: number;
  hi: number;
}
/** A lazy global average pool. */
interface Pool {
  kind: 'pool';
  src: Rep;
}
/** float32 tensor holding integers (classifier output). */
interface Float {
  kind: 'float';
  name: string;
}
type Part = U8 | Acc;
type Rep = U8 | Acc | Sum | Pool | Float;

const fail = (msg: string): never => {
  throw new UnsupportedModelError(`ONNX export (int8 engine): ${msg}; use the exact engine`);
};

function multipliers(s: DyadicScale, channels: number): Float64Array {
  return Float64Array.from({ length: channels }, (_, c) =>
    multiplierOf(s, s.m.length === 1 ? 0 : c),
  );
}

/** A grid (scale, zp) covering [lo, hi] with 256 steps, or step 1 when the range fits. */
function gridFor(lo: number, hi: number): { scale: number; zp: number } {
  const l = Number.isFinite(lo) ? lo : -128;
  const h = Number.isFinite(hi) ? hi : l + 255;
  const scale = h - l <= 255 ? 1 : (h - l) / 255;
  return { scale, zp: Math.min(255, Math.max(0, Math.round(-l / scale))) };
}

class Int8Exporter {
  readonly g = new GraphBuilder();
  private readonly reps = new Map<string, Rep>();
  private readonly uses: Map<string, number>;

  constructor(private readonly model: IntegerModel) {
    this.uses = useCounts(model.ops);
  }

  rep(ir: string): Rep {
    return this.reps.get(ir) ?? fail(`tensor '${ir}' is used before it is produced`);
  }

  set(ir: string, r: Rep): void {
    this.reps.set(ir, r);
  }

  private u8Const(base: string, v: number): string {
    return this.g.init(base, 'uint8', [], new Uint8Array([v]));
  }

  /** Clip a uint8 view to IR values [lo, hi] (a no-op when the view cannot exceed them). */
  clip(u: U8, lo: number, hi: number, name: string): U8 {
    const ul = Math.max(0, u.zp + Math.ceil(lo / u.scale - 1e-9));
    const uh = Math.min(255, u.zp + Math.floor(hi / u.scale + 1e-9));
    if (ul <= 0 && uh >= 255) return u;
    const out = this.g.node(
      'Clip',
      [u.name, this.u8Const(`${name}.lo`, ul), this.u8Const(`${name}.hi`, Math.max(ul, uh))],
      name,
    );
    return { ...u, name: out };
  }

  /** Multiply a view by per-channel factors (scalar for uint8 views and sums of them). */
  scaled(r: Rep, m: Float64Array, what: string): Rep {
    const scalar = m.every((x) => x === m[0]);
    switch (r.kind) {
      case 'u8':
        if (!scalar) fail(`per-channel requantization of '${what}' after it was materialized`);
        return { ...r, scale: r.scale * (m[0] as number) };
      case 'acc':
        // A clamp at 0 or ±∞ survives per-channel scaling unchanged; any other bound would not.
        if (!scalar && [r.lo, r.hi].some((b) => b !== 0 && Number.isFinite(b)))
          fail(`per-channel requantization of the clamped '${what}'`);
        return {
          ...r,
          f: r.f.map((x, c) => x * (m[scalar ? 0 : c] as number)),
          lo: r.lo * (m[0] as number),
          hi: r.hi * (m[0] as number),
        };
      case 'sum':
        if (!scalar) fail(`per-channel requantization of the residual sum '${what}'`);
        return {
          kind: 'sum',
          parts: [
            this.scaled(r.parts[0], m, what) as Part,
            this.scaled(r.parts[1], m, what) as Part,
          ],
          lo: r.lo * (m[0] as number),
          hi: r.hi * (m[0] as number),
        };
      default:
        return fail(`cannot requantize '${what}' here`);
    }
  }

  /** Narrow a lazy view's clamp (ReLU, requant range). */
  clamped(r: Rep, lo: number, hi: number, name: string): Rep {
    switch (r.kind) {
      case 'u8':
        return this.clip(r, lo, hi, name);
      case 'acc':
      case 'sum':
        return { ...r, lo: Math.max(r.lo, lo), hi: Math.min(r.hi, hi) };
      default:
        return fail(`cannot clamp '${name}'`);
    }
  }

  /** Bytes for a view, on the grid (scale, zp) when given, otherwise on one covering its clamp. */
  materialize(r: Rep, name: string, grid?: { scale: number; zp: number }): U8 {
    if (r.kind === 'u8') return r;
    if (r.kind === 'acc') {
      const t = grid ?? gridFor(r.lo, r.hi);
      let u = this.qconv(r, name, t.scale, t.zp);
      if (r.pool)
        u = {
          ...u,
          name: this.g.node('MaxPool', [u.name], `${name}.maxpool`, {
            kernel_shape: [r.pool.kernel, r.pool.kernel],
            strides: [r.pool.stride, r.pool.stride],
            pads: [r.pool.pad, r.pool.pad, r.pool.pad, r.pool.pad],
          }),
        };
      return this.clip(u, r.lo, r.hi, name);
    }
    if (r.kind === 'sum') {
      const t = grid ?? gridFor(r.lo, r.hi);
      // Each conv branch is held on the sum's own grid, zero point 64: it spans [-64, 191] steps,
      // enough for the ReLU'd sum; a finer or wider branch grid measured worse on the golden cases.
      const branch = (p: Part, i: number): U8 =>
        p.kind === 'acc'
          ? this.materialize(p, `${name}.b${i}`, { scale: t.scale, zp: 64 })
          : (p as U8);
      const ua = branch(r.parts[0], 0);
      const ub = branch(r.parts[1], 1);
      const out = this.g.node(
        'QLinearAdd',
        [
          ua.name,
          this.g.f32(`${name}.as`, [], [ua.scale]),
          this.u8Const(`${name}.az`, ua.zp),
          ub.name,
          this.g.f32(`${name}.bs`, [], [ub.scale]),
          this.u8Const(`${name}.bz`, ub.zp),
          this.g.f32(`${name}.ys`, [], [t.scale]),
          this.u8Const(`${name}.yz`, t.zp),
        ],
        `${name}.add`,
        {},
        'com.microsoft',
      );
      return this.clip({ kind: 'u8', name: out, ...t }, r.lo, r.hi, name);
    }
    if (r.kind === 'pool') {
      const src = this.materialize(r.src, `${name}.src`);
      const out = this.g.node(
        'QLinearGlobalAveragePool',
        [
          src.name,
          this.g.f32(`${name}.xs`, [], [src.scale]),
          this.u8Const(`${name}.xz`, src.zp),
          this.g.f32(`${name}.ys`, [], [src.scale]),
          this.u8Const(`${name}.yz`, src.zp),
        ],
        name,
        { channels_last: 0 },
        'com.microsoft',
      );
      return { ...src, name: out };
    }
    return fail(`'${name}' is not an integer activation`);
  }

  private qconv(r: Acc, name: string, yScale: number, yZp: number): U8 {
    const { conv, x } = r;
    const [co, ci, k] = conv.shape;
    // The int32 bias lives on the accumulator grid x_scale·w_scale[c].
    const bias = Int32Array.from(conv.bias, (b) => Math.round(b / x.scale));
    // the few-channel stem runs faster over 2×2 blocks (space-to-depth.ts)
    const blocked = ci <= STEM_CHANNELS ? blockedConv(conv) : undefined;
    const input = blocked
      ? spaceToDepth2(this.g, x.name, conv.name, this.u8Const(`${conv.name}.pad`, x.zp))
      : x.name;
    const weight = blocked
      ? this.g.init(`${conv.name}.w`, 'int8', [co, 4 * ci, blocked.k, blocked.k], blocked.weight)
      : this.g.init(`${conv.name}.w`, 'int8', [co, ci, k, k], conv.weight);
    const y = this.g.node(
      'QLinearConv',
      [
        input,
        this.g.f32(`${conv.name}.xs`, [], [x.scale]),
        this.u8Const(`${conv.name}.xz`, x.zp),
        weight,
        this.g.f32(`${conv.name}.ws`, [co], r.f),
        this.g.init(`${conv.name}.wz`, 'int8', [co], new Int8Array(co)),
        this.g.f32(`${conv.name}.ys`, [], [yScale]),
        this.u8Const(`${conv.name}.yz`, yZp),
        this.g.init(`${conv.name}.b`, 'int32', [co], bias),
      ],
      `${name}.qconv`,
      blocked
        ? { kernel_shape: [blocked.k, blocked.k], pads: blocked.pads }
        : {
            kernel_shape: [k, k],
            strides: [conv.stride, conv.stride],
            pads: [conv.pad, conv.pad, conv.pad, conv.pad],
          },
    );
    return { kind: 'u8', name: y, scale: yScale, zp: yZp };
  }

  /** The IR tensor as uint8 bytes (materialized once, then shared by every consumer). */
  u8(ir: string): U8 {
    const u = this.materialize(this.rep(ir), ir);
    this.set(ir, u);
    return u;
  }

  /** The IR tensor as float32 values (dequantized integers). */
  float(ir: string): string {
    const r = this.rep(ir);
    if (r.kind === 'float') return r.name;
    const u = this.u8(ir);
    let f = this.g.node('Cast', [u.name], `${ir}.f32`, { to: 1 });
    if (u.zp !== 0) f = this.g.node('Sub', [f, this.g.f32(`${ir}.zp`, [], [u.zp])], `${ir}.c`);
    if (u.scale !== 1)
      f = this.g.node('Mul', [f, this.g.f32(`${ir}.sc`, [], [u.scale])], `${ir}.v`);
    return f;
  }

  op(op: IntOp): void {
    const g = this.g;
    switch (op.kind) {
      case 'quantizeInput': {
        const zp = op.clamp.lo < 0 ? 128 : 0;
        const q = g.node(
          'QuantizeLinear',
          [
            this.model.input === op.input ? 'input' : this.float(op.input),
            g.f32('quant_input.scale', [], [op.scale]),
            this.u8Const('quant_input.zp', zp),
          ],
          'quant_input.u8',
        );
        this.set(
          op.out,
          this.clip({ kind: 'u8', name: q, scale: 1, zp }, op.clamp.lo, op.clamp.hi, op.out),
        );
        return;
      }
      case 'conv': {
        const x = this.u8(op.input);
        this.set(op.out, {
          kind: 'acc',
          conv: op,
          x,
          f: new Float64Array(op.shape[0]).fill(1),
          lo: Number.NEGATIVE_INFINITY,
          hi: Number.POSITIVE_INFINITY,
        });
        return;
      }
      case 'maxPool': {
        const r = this.rep(op.input);
        const pool = { kernel: op.kernel, stride: op.stride, pad: op.pad };
        if (r.kind === 'acc' && !r.pool) this.set(op.out, { ...r, pool });
        else {
          const u = this.u8(op.input);
          const y = g.node('MaxPool', [u.name], op.out, {
            kernel_shape: [op.kernel, op.kernel],
            strides: [op.stride, op.stride],
            pads: [op.pad, op.pad, op.pad, op.pad],
          });
          this.set(op.out, { ...u, name: y });
        }
        return;
      }
      case 'relu':
        this.set(op.out, this.clamped(this.rep(op.input), 0, Number.POSITIVE_INFINITY, op.out));
        return;
      case 'requant': {
        const r = this.rep(op.input);
        const m = multipliers(op.scale, op.scale.m.length);
        const lazy = r.kind === 'acc' || r.kind === 'sum';
        if (r.kind === 'pool' && op.scale.m.length === 1) {
          // Pool on the requant's grid, so the requant becomes a Clip.
          const src =
            r.src.kind === 'u8'
              ? r.src
              : this.materialize(r.src, `${op.input}.src`, {
                  scale: 1 / (m[0] as number),
                  zp: 0,
                });
          const pooled = this.materialize({ kind: 'pool', src }, op.input);
          this.set(
            op.out,
            this.clip(this.scaled(pooled, m, op.name) as U8, op.clamp.lo, op.clamp.hi, op.out),
          );
          return;
        }
        if (lazy && (this.uses.get(op.input) ?? 0) > 1 && op.scale.m.length === 1) {
          // Shared tensor (a unit's input, also its identity): bytes on this quantizer's grid.
          const zp = r.lo >= 0 ? 0 : 128;
          this.set(op.input, this.materialize(r, op.input, { scale: 1 / (m[0] as number), zp }));
        }
        const s = this.scaled(this.rep(op.input), m, op.name);
        this.set(op.out, this.clamped(s, op.clamp.lo, op.clamp.hi, op.out));
        return;
      }
      case 'residual': {
        const c = this.model.ops.find((o) => o.out === op.body);
        const channels = c?.kind === 'conv' ? c.shape[0] : 1;
        const a = this.scaled(
          this.rep(op.identity),
          multipliers(op.identityScale, channels),
          op.name,
        );
        const b = this.scaled(this.rep(op.body), multipliers(op.bodyScale, channels), op.name);
        if (a.kind === 'sum' || a.kind === 'pool')
          fail(`unsupported residual identity in '${op.name}'`);
        if (b.kind === 'sum' || b.kind === 'pool')
          fail(`unsupported residual body in '${op.name}'`);
        this.set(op.out, {
          kind: 'sum',
          parts: [a as Part, b as Part],
          lo: Number.NEGATIVE_INFINITY,
          hi: Number.POSITIVE_INFINITY,
        });
        return;
      }
      case 'avgPool':
        this.set(op.out, { kind: 'pool', src: this.rep(op.input) });
        return;
      case 'linear': {
        let x = this.float(op.input);
        x = g.node('Flatten', [x], `${op.name}.flat`, { axis: 1 });
        const [o, i] = op.shape;
        const y = g.node(
          'Gemm',
          [x, g.f32(`${op.name}.w`, [o, i], op.weight), g.f32(`${op.name}.b`, [o], op.bias)],
          `${op.name}.acc`,
          { transB: 1 },
        );
        this.set(op.out, { kind: 'float', name: g.node('Round', [y], `${op.name}.round`) });
        return;
      }
      case 'dequantize': {
        const y = g.node(
          'Mul',
          [this.float(op.input), g.f32(`${op.name}.scale`, [op.scale.length], op.scale)],
          `${op.name}.logits`,
        );
        this.set(op.out, { kind: 'float', name: y });
        return;
      }
    }
  }
}

/** Export the `int8` graph. Inputs/outputs as exportIntegerOnnx. */
export function exportInt8Onnx(
  model: IntegerModel,
  opts: { opset: 13 | 21; intermediates?: string[] },
): Uint8Array {
  const e = new Int8Exporter(model);
  const g = e.g;
  g.reserve('input');
  g.reserve(model.logits);
  g.reserve(model.logitsInt);
  const extra = opts.intermediates ?? [];
  for (const n of extra) g.reserve(`int.${n}`);
  e.set(model.input, { kind: 'float', name: 'input' });
  for (const op of model.ops) e.op(op);
  const outputs = integerGraphOutputs(
    g,
    model,
    e.float(model.logits),
    e.float(model.logitsInt),
    extra.map((name) => [name, g.node('Round', [e.float(name)], `${name}.r`)] as const),
  );
  return g.toBytes({
    inputs: [valueInfo('input', 'float', ['N', 3, 'H', 'W'])],
    outputs,
    opset: opts.opset,
    name: `${model.arch}-int8`,
    msDomain: true,
  });
}
