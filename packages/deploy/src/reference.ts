// Pure-JS reference executor of the IntegerModel. Every value is an integer held in a float64, and
// every sum stays below 2^53, so this is exact integer arithmetic; requantization uses HAWQ's own
// float64 formula round(acc · m·2^-e). It is the oracle the ONNX graphs are tested against.
import { multiplierOf, roundHalfEven } from './dyadic.js';
import { DeployError, RuntimeError } from './errors.js';
import type { ConvOp, DyadicScale, IntegerModel, IntOp, LinearOp } from './ir.js';

export interface RefTensor {
  shape: number[];
  data: Float64Array;
}

function conv(x: RefTensor, op: ConvOp): RefTensor {
  const [n, ci, h, w] = x.shape as [number, number, number, number];
  const [co, wci, k] = op.shape;
  if (ci !== wci)
    throw new RuntimeError(`${op.name}: input has ${ci} channels, weights expect ${wci}`);
  const ho = Math.floor((h + 2 * op.pad - k) / op.stride) + 1;
  const wo = Math.floor((w + 2 * op.pad - k) / op.stride) + 1;
  const out = new Float64Array(n * co * ho * wo);
  const xd = x.data;
  for (let b = 0; b < n; b++) {
    for (let o = 0; o < co; o++) {
      const obase = (b * co + o) * ho * wo;
      out.fill(op.bias[o] as number, obase, obase + ho * wo);
      for (let c = 0; c < ci; c++) {
        const xbase = (b * ci + c) * h * w;
        for (let ky = 0; ky < k; ky++) {
          for (let kx = 0; kx < k; kx++) {
            const wv = op.weight[((o * ci + c) * k + ky) * k + kx] as number;
            if (wv === 0) continue;
            for (let oy = 0; oy < ho; oy++) {
              const iy = oy * op.stride - op.pad + ky;
              if (iy < 0 || iy >= h) continue;
              const row = xbase + iy * w;
              const orow = obase + oy * wo;
              for (let ox = 0; ox < wo; ox++) {
                const ix = ox * op.stride - op.pad + kx;
                if (ix >= 0 && ix < w)
                  out[orow + ox] = (out[orow + ox] as number) + wv * (xd[row + ix] as number);
              }
            }
          }
        }
      }
    }
  }
  return { shape: [n, co, ho, wo], data: out };
}

function linear(x: RefTensor, op: LinearOp): RefTensor {
  const n = x.shape[0] as number;
  const [o, i] = op.shape;
  if (x.data.length !== n * i)
    throw new RuntimeError(
      `${op.name}: input has ${x.data.length / n} features, weights expect ${i}`,
    );
  const out = new Float64Array(n * o);
  for (let b = 0; b < n; b++) {
    for (let r = 0; r < o; r++) {
      let s = op.bias[r] as number;
      for (let c = 0; c < i; c++)
        s += (op.weight[r * i + c] as number) * (x.data[b * i + c] as number);
      out[b * o + r] = s;
    }
  }
  return { shape: [n, o], data: out };
}

function maxPool(x: RefTensor, k: number, stride: number, pad: number): RefTensor {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const ho = Math.floor((h + 2 * pad - k) / stride) + 1;
  const wo = Math.floor((w + 2 * pad - k) / stride) + 1;
  const out = new Float64Array(n * c * ho * wo);
  for (let p = 0; p < n * c; p++) {
    for (let oy = 0; oy < ho; oy++) {
      for (let ox = 0; ox < wo; ox++) {
        let m = -Infinity;
        for (let ky = 0; ky < k; ky++) {
          const iy = oy * stride - pad + ky;
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < k; kx++) {
            const ix = ox * stride - pad + kx;
            if (ix >= 0 && ix < w) m = Math.max(m, x.data[(p * h + iy) * w + ix] as number);
          }
        }
        out[(p * ho + oy) * wo + ox] = m;
      }
    }
  }
  return { shape: [n, c, ho, wo], data: out };
}

/** round(acc · m_c·2^-e_c) per channel (channel = axis 1). */
function requant(x: RefTensor, s: DyadicScale, lo: number, hi: number): Float64Array {
  const c = x.shape[1] as number;
  const inner = x.data.length / ((x.shape[0] as number) * c);
  const out = new Float64Array(x.data.length);
  for (let i = 0; i < x.data.length; i++) {
    const ch = Math.floor(i / inner) % c;
    const v = roundHalfEven((x.data[i] as number) * multiplierOf(s, ch));
    out[i] = Math.min(hi, Math.max(lo, v));
  }
  return out;
}

/** Execute one IR op on already-computed tensors (exposed for calibration of synthetic models). */
export function executeOp(op: IntOp, get: (name: string) => RefTensor): RefTensor {
  switch (op.kind) {
    case 'quantizeInput': {
      const x = get(op.input);
      const r = Math.fround(1 / op.scale);
      const out = new Float64Array(x.data.length);
      for (let i = 0; i < out.length; i++) {
        const v = roundHalfEven(Math.fround((x.data[i] as number) * r));
        out[i] = Math.min(op.clamp.hi, Math.max(op.clamp.lo, v));
      }
      return { shape: x.shape, data: out };
    }
    case 'conv':
      return conv(get(op.input), op);
    case 'linear':
      return linear(get(op.input), op);
    case 'maxPool':
      return maxPool(get(op.input), op.kernel, op.stride, op.pad);
    case 'relu': {
      const x = get(op.input);
      return { shape: x.shape, data: x.data.map((v) => Math.max(v, 0)) };
    }
    case 'requant': {
      const x = get(op.input);
      return { shape: x.shape, data: requant(x, op.scale, op.clamp.lo, op.clamp.hi) };
    }
    case 'residual': {
      const a = get(op.identity);
      const b = get(op.body);
      if (a.data.length !== b.data.length)
        throw new RuntimeError(`${op.name}: identity [${a.shape}] and body [${b.shape}] differ`);
      const ra = requant(a, op.identityScale, -Infinity, Infinity);
      const rb = requant(b, op.bodyScale, -Infinity, Infinity);
      return { shape: b.shape, data: ra.map((v, i) => v + (rb[i] as number)) };
    }
    case 'avgPool': {
      const x = get(op.input);
      const [n, c, h, w] = x.shape as [number, number, number, number];
      if (h !== w || h > 9) {
        throw new RuntimeError(
          `${op.name}: final feature map is ${h}×${w}; HAWQ's integer average needs a square map of at most 9×9 (square inputs up to 288×288)`,
        );
      }
      const out = new Float64Array(n * c);
      for (let p = 0; p < n * c; p++) {
        let s = 0;
        for (let i = 0; i < h * w; i++) s += x.data[p * h * w + i] as number;
        out[p] = Math.floor(s / (h * w));
      }
      return { shape: [n, c], data: out };
    }
    case 'dequantize': {
      const x = get(op.input);
      const o = op.scale.length;
      return {
        shape: x.shape,
        data: x.data.map((v, i) => Math.fround(v * (op.scale[i % o] as number))),
      };
    }
  }
}

export interface ReferenceResult {
  logits: Float32Array;
  logitsInt: Int32Array;
  /** Every intermediate integer tensor, by IR name (only when `keep` is set). */
  values: Map<string, RefTensor>;
}

/** Run the IR on a float32 NCHW batch. */
export function runReference(
  model: IntegerModel,
  input: Float32Array,
  shape: number[],
  keep = false,
): ReferenceResult {
  const values = new Map<string, RefTensor>([
    [model.input, { shape, data: Float64Array.from(input) }],
  ]);
  const get = (name: string): RefTensor => {
    const t = values.get(name);
    if (!t)
      throw new DeployError(`reference executor: tensor '${name}' is used before it is computed`);
    return t;
  };
  const lastUse = new Map<string, number>();
  model.ops.forEach((op, i) => {
    for (const n of op.kind === 'residual' ? [op.identity, op.body] : [op.input]) lastUse.set(n, i);
  });
  model.ops.forEach((op, i) => {
    values.set(op.out, executeOp(op, get));
    if (!keep)
      for (const [n, last] of lastUse) if (last === i && n !== model.logitsInt) values.delete(n);
  });
  return {
    logits: Float32Array.from(get(model.logits).data),
    logitsInt: Int32Array.from(get(model.logitsInt).data),
    values,
  };
}
