// Synthetic HAWQ checkpoints: random weights, calibrated like HAWQ (one batch sets every quantizer's
// range from the float value it sees), emitted as a HAWQ state_dict with HAWQ's key names. Used by
// tests (any width/depth/bits) and by the full-size benchmarks, where no trained checkpoint exists.
import { activationScale, intRange, roundHalfEven } from '@hawq-ts/core';
import { requantScale } from './dyadic.js';
import { UnsupportedModelError } from './errors.js';
import type { ConvOp, DyadicScale, IntOp } from './ir.js';
import { executeOp, type RefTensor } from './reference.js';
import type { TensorLike } from './state-dict.js';

export interface SyntheticSpec {
  block: 'basic' | 'bottleneck';
  layers: number[];
  /** Output width of each stage (bottleneck inner width = width/4). */
  channels: number[];
  initChannels: number;
  numClasses: number;
  /** Bits of the unit-internal quantizers and convs (8 → symmetric, 4 → HAWQ "asymmetric" uint4). */
  bits: 4 | 8;
  /**
   * Per-module bits, HAWQ module names as in a bit config (`stage2.unit1.quant_act1`,
   * `stage2.unit1.quant_identity_convbn`…): a mixed-precision model. Unit modules it leaves out
   * take `bits`; the stem, residual and classifier entries must hold HAWQ's fixed 8/16 bits.
   */
  moduleBits?: Readonly<Record<string, number>> | ReadonlyMap<string, number>;
  inputSize: number;
  seed: number;
  /** resnet50b layout: stride in the 3×3 conv. */
  strideInConv2?: boolean;
}

export const RESNET18: Omit<SyntheticSpec, 'bits' | 'inputSize' | 'seed'> = {
  block: 'basic',
  layers: [2, 2, 2, 2],
  channels: [64, 128, 256, 512],
  initChannels: 64,
  numClasses: 1000,
};
export const RESNET50: Omit<SyntheticSpec, 'bits' | 'inputSize' | 'seed'> = {
  block: 'bottleneck',
  layers: [3, 4, 6, 3],
  channels: [256, 512, 1024, 2048],
  initChannels: 64,
  numClasses: 1000,
};

/** Modules HAWQ always quantizes at fixed bits (bit_config.py), whatever the scheme. */
const FIXED_BITS: Readonly<Record<string, number>> = {
  quant_input: 8,
  quant_init_convbn: 8,
  quant_init_block_convbn: 8,
  quant_act_int32: 16,
  quant_act_output: 8,
  quant_output: 8,
};

/** HAWQ module names of every unit quantizer and conv of the spec's structure. */
function unitModules(spec: SyntheticSpec): Set<string> {
  const names = new Set<string>();
  const convs = spec.block === 'basic' ? 2 : 3;
  let cin = spec.initChannels;
  spec.layers.forEach((n, si) => {
    const cout = spec.channels[si] as number;
    for (let u = 1; u <= n; u++) {
      const p = `stage${si + 1}.unit${u}`;
      names.add(`${p}.quant_act`);
      names.add(`${p}.quant_act_int32`);
      for (let k = 1; k <= convs; k++) names.add(`${p}.quant_convbn${k}`);
      for (let k = 1; k < convs; k++) names.add(`${p}.quant_act${k}`);
      if ((u === 1 && si > 0) || cin !== cout) names.add(`${p}.quant_identity_convbn`);
      cin = cout;
    }
  });
  return names;
}

/**
 * The bits of each unit module: `moduleBits` where it says, `bits` elsewhere. Names the spec's
 * structure does not have, and fixed modules at other than HAWQ's bits, are refused: the model
 * would silently not be the configuration asked for.
 */
function unitBits(spec: SyntheticSpec): (name: string) => number {
  const given = new Map<string, number>(
    spec.moduleBits instanceof Map ? spec.moduleBits : Object.entries(spec.moduleBits ?? {}),
  );
  const units = unitModules(spec);
  for (const [name, bits] of given) {
    const fixed =
      FIXED_BITS[name] ?? (units.has(name) && name.endsWith('.quant_act_int32') ? 16 : undefined);
    if (fixed === undefined && !units.has(name)) {
      throw new UnsupportedModelError(
        `synthetic model: bit config entry '${name}' is not a module of this ${spec.block} ResNet (layers ${spec.layers.join('/')})`,
      );
    }
    if (fixed !== undefined ? bits !== fixed : bits !== 4 && bits !== 8) {
      throw new UnsupportedModelError(
        `synthetic model: '${name}' has ${bits} bits; ${fixed !== undefined ? `HAWQ quantizes it at ${fixed}` : "the synthetic unit modules take 4 or 8 bits, as in HAWQ's ResNet schemes"}`,
      );
    }
  }
  return (name) => given.get(name) ?? spec.bits;
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function t(shape: number[], data: ArrayLike<number>): TensorLike {
  const f = Float32Array.from(data);
  return { shape, toFloat32: () => f };
}

export interface SyntheticModel {
  stateDict: Map<string, TensorLike>;
  /** The calibration batch (float32 NCHW [1,3,S,S]). */
  input: Float32Array;
  inputShape: number[];
}

/** Build and calibrate a random HAWQ Q_ResNet; returns its state_dict (keys prefixed `module.`). */
export function syntheticHawqResNet(spec: SyntheticSpec): SyntheticModel {
  const rand = rng(spec.seed);
  const sd = new Map<string, TensorLike>();
  const values = new Map<string, RefTensor>();
  const get = (n: string) => values.get(n) as RefTensor;
  const run = (op: IntOp) => values.set(op.out, executeOp(op, get));
  const S = spec.inputSize;
  const input = Float32Array.from({ length: 3 * S * S }, () =>
    Math.fround((rand() + rand() + rand() - 1.5) * 1.5),
  );
  values.set('input', { shape: [1, 3, S, S], data: Float64Array.from(input) });

  const quantizer = (name: string, xmin: number, xmax: number, bits: number, signed: boolean) => {
    const lo = Math.fround(xmin);
    const hi = Math.fround(xmax);
    const scale = activationScale(bits, signed ? 'symmetric' : 'asymmetric', lo, hi);
    for (const [k, v] of [
      ['x_min', lo],
      ['x_max', hi],
      ['act_scaling_factor', scale],
      ['pre_weight_scaling_factor', 1],
      ['identity_weight_scaling_factor', 1],
    ] as const) {
      sd.set(`module.${name}.${k}`, t([1], [v]));
    }
    const [cl, ch] = intRange(bits, signed ? 'symmetric' : 'asymmetric');
    return { scale, clamp: { lo: cl, hi: ch }, bound: Math.max(-cl, ch) };
  };
  const floatRange = (name: string, sIn: number, sW: ArrayLike<number>) => {
    const v = get(name);
    let lo = Infinity;
    let hi = -Infinity;
    v.data.forEach((a, i) => {
      const c =
        sW.length === 1
          ? 0
          : Math.floor(i / ((v.shape[2] ?? 1) * (v.shape[3] ?? 1))) % (v.shape[1] as number);
      const f = Math.fround(a * Math.fround(sIn * (sW[c] as number)));
      lo = Math.min(lo, f);
      hi = Math.max(hi, f);
    });
    return [lo, hi] as const;
  };
  const conv = (
    name: string,
    x: string,
    ci: number,
    co: number,
    k: number,
    stride: number,
    sIn: number,
    inputBound: number,
    wBits: number,
  ): ConvOp => {
    const n = 2 ** (wBits - 1) - 1;
    const a = Math.sqrt(6 / (ci * k * k));
    const wf = Float32Array.from(
      { length: co * ci * k * k },
      () => (rand() * 2 - 1) * a * (0.5 + rand()),
    );
    const weight = new Int8Array(wf.length);
    const sW = new Float32Array(co);
    const bias = new Int32Array(co);
    const per = ci * k * k;
    for (let o = 0; o < co; o++) {
      let m = 0;
      for (let i = 0; i < per; i++) m = Math.max(m, Math.abs(wf[o * per + i] as number));
      sW[o] = Math.fround(Math.max(m, Math.fround(1e-8)) / n);
      const r = Math.fround(1 / (sW[o] as number));
      for (let i = 0; i < per; i++)
        weight[o * per + i] = Math.max(
          -n - 1,
          Math.min(n, roundHalfEven(Math.fround((wf[o * per + i] as number) * r))),
        );
      const bf = (rand() - 0.5) * 0.2;
      bias[o] = roundHalfEven(
        Math.fround(bf * Math.fround(1 / Math.fround((sW[o] as number) * sIn))),
      );
    }
    sd.set(`module.${name}.convbn_scaling_factor`, t([co], sW));
    sd.set(`module.${name}.weight_integer`, t([co, ci, k, k], weight));
    sd.set(`module.${name}.bias_integer`, t([co], bias));
    const op: ConvOp = {
      kind: 'conv',
      name,
      input: x,
      out: `${name}.acc`,
      shape: [co, ci, k, k],
      weight,
      bias,
      weightBits: wBits,
      weightScale: sW,
      stride,
      pad: (k - 1) / 2,
      inputBound,
    };
    run(op);
    return op;
  };
  const requant = (
    name: string,
    x: string,
    scale: DyadicScale,
    clamp: { lo: number; hi: number },
  ) => run({ kind: 'requant', name, input: x, out: name, scale, clamp, outScale: 0, bits: 0 });
  const relu = (x: string) => {
    run({ kind: 'relu', name: `${x}.relu`, input: x, out: `${x}.relu` });
    return `${x}.relu`;
  };

  // Stem (quant_init_convbn: the R50 name, which the exporter accepts for any depth).
  const inArr = input.reduce(
    (m, v) => [Math.min(m[0] as number, v), Math.max(m[1] as number, v)],
    [Infinity, -Infinity],
  );
  const qIn = quantizer('quant_input', inArr[0] as number, inArr[1] as number, 8, true);
  run({
    kind: 'quantizeInput',
    name: 'quant_input',
    input: 'input',
    out: 'quant_input',
    scale: qIn.scale,
    clamp: qIn.clamp,
  });
  const stem = conv(
    'quant_init_convbn',
    'quant_input',
    3,
    spec.initChannels,
    7,
    2,
    qIn.scale,
    qIn.bound,
    8,
  );
  run({
    kind: 'maxPool',
    name: 'pool',
    input: stem.out,
    out: 'pool',
    kernel: 3,
    stride: 2,
    pad: 1,
  });
  let [lo, hi] = floatRange('pool', qIn.scale, stem.weightScale);
  const q16 = quantizer('quant_act_int32', lo, hi, 16, true);
  requant(
    'quant_act_int32',
    'pool',
    requantScale(qIn.scale, stem.weightScale, q16.scale),
    q16.clamp,
  );
  let cur = relu('quant_act_int32');
  let curScale = q16.scale;
  let cin = spec.initChannels;
  const bitsOf = unitBits(spec);
  // HAWQ's QuantAct switches to its unsigned "asymmetric" mode at 4 bits only.
  const unitQuantizer = (name: string, lo: number, hi: number) => {
    const b = bitsOf(name);
    return quantizer(name, b === 4 ? 0 : lo, hi, b, b !== 4);
  };
  spec.layers.forEach((nUnits, si) => {
    const cout = spec.channels[si] as number;
    for (let u = 1; u <= nUnits; u++) {
      const p = `stage${si + 1}.unit${u}`;
      const stride = u === 1 && si > 0 ? 2 : 1;
      [lo, hi] = floatRange(cur, curScale, [1]);
      const qa = unitQuantizer(`${p}.quant_act`, lo, hi);
      requant(`${p}.quant_act`, cur, requantScale(curScale, [1], qa.scale), qa.clamp);
      const mids = spec.block === 'basic' ? [cout] : [cout / 4, cout / 4];
      const kernels = spec.block === 'basic' ? [3, 3] : [1, 3, 1];
      let x = `${p}.quant_act`;
      let xq = qa;
      let c = cin;
      const convs: ConvOp[] = [];
      kernels.forEach((k, i) => {
        const last = i === kernels.length - 1;
        const co = last ? cout : (mids[i] as number);
        const st = (spec.strideInConv2 && spec.block === 'bottleneck' ? i === 1 : i === 0)
          ? stride
          : 1;
        const cn = `${p}.quant_convbn${i + 1}`;
        const cv = conv(cn, x, c, co, k, st, xq.scale, xq.bound, bitsOf(cn));
        convs.push(cv);
        c = co;
        if (last) return;
        const r = relu(cv.out);
        const [, h] = floatRange(r, xq.scale, cv.weightScale);
        const qk = unitQuantizer(`${p}.quant_act${i + 1}`, 0, h);
        requant(
          `${p}.quant_act${i + 1}`,
          r,
          requantScale(xq.scale, cv.weightScale, qk.scale),
          qk.clamp,
        );
        x = `${p}.quant_act${i + 1}`;
        xq = qk;
      });
      const body = convs[convs.length - 1] as ConvOp;
      // HAWQ's quant_act_int32 sees the float sum body + identity.
      const bodyF = floatRange(body.out, xq.scale, body.weightScale);
      let idName = cur;
      let idSIn = curScale;
      let idSW: ArrayLike<number> = [1];
      if (stride !== 1 || cin !== cout) {
        const idc = conv(
          `${p}.quant_identity_convbn`,
          `${p}.quant_act`,
          cin,
          cout,
          1,
          stride,
          qa.scale,
          qa.bound,
          bitsOf(`${p}.quant_identity_convbn`),
        );
        idName = idc.out;
        idSIn = qa.scale;
        idSW = idc.weightScale;
      }
      const idF = floatRange(idName, idSIn, idSW);
      const qOut = quantizer(
        `${p}.quant_act_int32`,
        bodyF[0] + idF[0],
        bodyF[1] + idF[1],
        16,
        true,
      );
      run({
        kind: 'residual',
        name: `${p}.quant_act_int32`,
        identity: idName,
        identityScale: requantScale(idSIn, idSW, qOut.scale),
        body: body.out,
        bodyScale: requantScale(xq.scale, body.weightScale, qOut.scale),
        out: `${p}.quant_act_int32`,
        outScale: qOut.scale,
        bits: 16,
      });
      cur = relu(`${p}.quant_act_int32`);
      curScale = qOut.scale;
      cin = cout;
    }
  });
  run({ kind: 'avgPool', name: 'final_pool', input: cur, out: 'final_pool' });
  [lo, hi] = floatRange('final_pool', curScale, [1]);
  quantizer('quant_act_output', lo, hi, 8, true);
  const fcW = new Int8Array(spec.numClasses * cin).map(() => Math.round((rand() * 2 - 1) * 127));
  fcW[0] = 127; // per-row symmetric 8-bit scales always reach ±127 somewhere
  const sFc = Float32Array.from({ length: spec.numClasses }, () =>
    Math.fround(0.01 * (0.5 + rand())),
  );
  sd.set('module.quant_output.weight_integer', t([spec.numClasses, cin], fcW));
  sd.set(
    'module.quant_output.bias_integer',
    t(
      [spec.numClasses],
      Array.from({ length: spec.numClasses }, () => Math.round((rand() - 0.5) * 2000)),
    ),
  );
  sd.set('module.quant_output.fc_scaling_factor', t([spec.numClasses], sFc));
  return { stateDict: sd, input, inputShape: [1, 3, S, S] };
}
