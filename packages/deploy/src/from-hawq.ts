// Build the integer IR from a HAWQ Q_ResNet state_dict (golden/README.md, hawq-spec.md §4–§5).
// Everything an integer graph needs is stored in the checkpoint: integer weights and biases, the
// per-channel weight scales and every activation range; requantization constants follow from the
// scales with HAWQ's frexp rule.
import { type ActQuant, readActQuant } from './act-quant.js';
import { requantScale } from './dyadic.js';
import { MalformedModelError, UnsupportedModelError } from './errors.js';
import type { ConvOp, IntegerModel, IntOp, LinearOp } from './ir.js';
import { type StateDict, StateDictReader } from './state-dict.js';

export interface FromHawqOptions {
  /** 'resnet18' | 'resnet50' | 'resnet50b' ...; the 'b' variants put the stride in the 3×3 conv. */
  arch?: string;
  /** Used in error messages. */
  source?: string;
}

function weightBits(name: string, w: Int8Array, source: string): number {
  let lo = 0;
  let hi = 0;
  for (const v of w) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const maxAbs = Math.max(hi, -lo);
  for (let b = 2; b <= 8; b++) {
    if (maxAbs === 2 ** (b - 1) - 1 && lo >= -(2 ** (b - 1))) return b;
  }
  throw new UnsupportedModelError(
    `${source}: '${name}' has integer weights in [${lo}, ${hi}], which is not a symmetric 2–8-bit HAWQ weight range`,
  );
}

function toInt8(name: string, v: Float32Array, source: string): Int8Array {
  const out = new Int8Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = v[i] as number;
    if (!Number.isInteger(x) || x < -128 || x > 127) {
      throw new UnsupportedModelError(
        `${source}: '${name}.weight_integer' holds ${x}, not an integer weight of at most 8 bits`,
      );
    }
    out[i] = x;
  }
  return out;
}

function toInt32(name: string, v: Float32Array, source: string): Int32Array {
  const out = new Int32Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = v[i] as number;
    if (!Number.isInteger(x) || x < -(2 ** 31) || x > 2 ** 31 - 1) {
      throw new MalformedModelError(`${source}: '${name}.bias_integer' holds ${x}, not an int32`);
    }
    out[i] = x;
  }
  return out;
}

interface ConvSpec {
  name: string;
  input: string;
  out: string;
  stride: number;
  inputQuant: ActQuant;
}

function readConv(r: StateDictReader, s: ConvSpec): ConvOp {
  const wT = r.tensor(`${s.name}.weight_integer`);
  if (wT.shape.length !== 4)
    throw new MalformedModelError(`${r.source}: '${s.name}.weight_integer' must be 4-D`);
  const [co, ci, kh, kw] = wT.shape as [number, number, number, number];
  if (kh !== kw || kh % 2 !== 1)
    throw new UnsupportedModelError(
      `${r.source}: '${s.name}' has a ${kh}×${kw} kernel; only odd square kernels are supported`,
    );
  const weight = toInt8(s.name, wT.toFloat32(), r.source);
  return {
    kind: 'conv',
    name: s.name,
    input: s.input,
    out: s.out,
    shape: [co, ci, kh, kw],
    weight,
    bias: toInt32(s.name, r.f32(`${s.name}.bias_integer`, [co]), r.source),
    weightBits: weightBits(s.name, weight, r.source),
    weightScale: r.f32(`${s.name}.convbn_scaling_factor`, [co]),
    stride: s.stride,
    pad: (kh - 1) / 2,
    inputBound: s.inputQuant.bound,
  };
}

function readLinear(
  r: StateDictReader,
  name: string,
  input: string,
  out: string,
  inputQuant: ActQuant,
): LinearOp {
  const wT = r.tensor(`${name}.weight_integer`);
  if (wT.shape.length !== 2)
    throw new MalformedModelError(`${r.source}: '${name}.weight_integer' must be 2-D`);
  const [o, i] = wT.shape as [number, number];
  const weight = toInt8(name, wT.toFloat32(), r.source);
  return {
    kind: 'linear',
    name,
    input,
    out,
    shape: [o, i],
    weight,
    bias: toInt32(name, r.f32(`${name}.bias_integer`, [o]), r.source),
    weightBits: weightBits(name, weight, r.source),
    weightScale: r.f32(`${name}.fc_scaling_factor`, [o]),
    inputBound: inputQuant.bound,
  };
}

function listUnits(r: StateDictReader): Array<[number, number]> {
  const units: Array<[number, number]> = [];
  for (const k of r.keys()) {
    const m = /^stage(\d+)\.unit(\d+)\.quant_act\.act_scaling_factor$/.exec(k);
    if (m) units.push([Number(m[1]), Number(m[2])]);
  }
  return units.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

function expectBits(q: ActQuant, bits: number[], source: string): void {
  if (!bits.includes(q.bits)) {
    throw new UnsupportedModelError(
      `${source}: '${q.name}' is a ${q.bits}-bit quantizer; HAWQ ResNets use ${bits.join(' or ')} bits there`,
    );
  }
}

/** Build the IntegerModel of a HAWQ Q_ResNet18/50/101 state_dict (with or without `module.`). */
export function integerModelFromHawq(sd: StateDict, opts: FromHawqOptions = {}): IntegerModel {
  const r = new StateDictReader(sd, opts.source ?? 'state_dict');
  if (!r.has('quant_input.act_scaling_factor')) {
    const hint = r.keys().some((k) => k.startsWith('features.'))
      ? ' (this looks like a float or Inception model)'
      : '';
    throw new UnsupportedModelError(
      `${r.source}: not a HAWQ Q_ResNet state_dict: no 'quant_input' quantizer${hint}`,
    );
  }
  const stemName = r.has('quant_init_block_convbn.weight_integer')
    ? 'quant_init_block_convbn'
    : 'quant_init_convbn';
  const units = listUnits(r);
  if (units.length === 0)
    throw new UnsupportedModelError(`${r.source}: no 'stageS.unitU' residual units found`);
  const bottleneck = r.has(
    `stage${units[0]?.[0]}.unit${units[0]?.[1]}.quant_convbn3.weight_integer`,
  );
  const arch = opts.arch ?? `resnet${2 + units.length * (bottleneck ? 3 : 2)}`;
  const strideInConv2 = bottleneck && arch.endsWith('b');
  const src = r.source;

  const ops: IntOp[] = [];
  const qIn = readActQuant(r, 'quant_input');
  expectBits(qIn, [8], src);
  ops.push({
    kind: 'quantizeInput',
    name: 'quant_input',
    input: 'input',
    out: 'quant_input',
    scale: qIn.scale,
    clamp: qIn.clamp,
  });
  const stem = readConv(r, {
    name: stemName,
    input: 'quant_input',
    out: `${stemName}.acc`,
    stride: 2,
    inputQuant: qIn,
  });
  ops.push(stem);
  ops.push({
    kind: 'maxPool',
    name: 'pool',
    input: stem.out,
    out: 'quant_act_int32.acc',
    kernel: 3,
    stride: 2,
    pad: 1,
  });
  const q16 = readActQuant(r, 'quant_act_int32');
  expectBits(q16, [16], src);
  ops.push({
    kind: 'requant',
    name: 'quant_act_int32',
    input: 'quant_act_int32.acc',
    out: 'quant_act_int32',
    scale: requantScale(qIn.scale, stem.weightScale, q16.scale),
    clamp: q16.clamp,
    outScale: q16.scale,
    bits: 16,
  });
  ops.push({
    kind: 'relu',
    name: 'quant_act_int32.relu',
    input: 'quant_act_int32',
    out: 'quant_act_int32.relu',
  });

  let cur = 'quant_act_int32.relu';
  let curScale = q16.scale;
  for (const [s, u] of units) {
    const p = `stage${s}.unit${u}`;
    const stride = u === 1 && s > 1 ? 2 : 1;
    const qa = readActQuant(r, `${p}.quant_act`);
    expectBits(qa, [2, 3, 4, 5, 6, 7, 8], src);
    ops.push({
      kind: 'requant',
      name: qa.name,
      input: cur,
      out: qa.name,
      scale: requantScale(curScale, [1], qa.scale),
      clamp: qa.clamp,
      outScale: qa.scale,
      bits: qa.bits,
    });
    const qOut = readActQuant(r, `${p}.quant_act_int32`);
    expectBits(qOut, [16], src);
    let identity: string;
    let identityScale: ReturnType<typeof requantScale>;
    if (r.has(`${p}.quant_identity_convbn.weight_integer`)) {
      const idc = readConv(r, {
        name: `${p}.quant_identity_convbn`,
        input: qa.name,
        out: `${p}.quant_identity_convbn.acc`,
        stride,
        inputQuant: qa,
      });
      ops.push(idc);
      identity = idc.out;
      identityScale = requantScale(qa.scale, idc.weightScale, qOut.scale);
    } else {
      identity = cur;
      identityScale = requantScale(curScale, [1], qOut.scale);
    }
    const nConv = bottleneck ? 3 : 2;
    let x = qa.name;
    let xq = qa;
    let last: ConvOp | undefined;
    for (let k = 1; k <= nConv; k++) {
      const convStride = (strideInConv2 ? k === 2 : k === 1) ? stride : 1;
      const conv = readConv(r, {
        name: `${p}.quant_convbn${k}`,
        input: x,
        out: `${p}.quant_convbn${k}.acc`,
        stride: convStride,
        inputQuant: xq,
      });
      ops.push(conv);
      if (k === nConv) {
        last = conv;
        break;
      }
      ops.push({
        kind: 'relu',
        name: `${conv.name}.relu`,
        input: conv.out,
        out: `${conv.name}.relu`,
      });
      const qk = readActQuant(r, `${p}.quant_act${k}`);
      expectBits(qk, [2, 3, 4, 5, 6, 7, 8], src);
      ops.push({
        kind: 'requant',
        name: qk.name,
        input: `${conv.name}.relu`,
        out: qk.name,
        scale: requantScale(xq.scale, conv.weightScale, qk.scale),
        clamp: qk.clamp,
        outScale: qk.scale,
        bits: qk.bits,
      });
      x = qk.name;
      xq = qk;
    }
    if (!last) throw new MalformedModelError(`${src}: unit ${p} has no convolutions`);
    ops.push({
      kind: 'residual',
      name: qOut.name,
      identity,
      identityScale,
      body: last.out,
      bodyScale: requantScale(xq.scale, last.weightScale, qOut.scale),
      out: qOut.name,
      outScale: qOut.scale,
      bits: 16,
    });
    ops.push({
      kind: 'relu',
      name: `${qOut.name}.relu`,
      input: qOut.name,
      out: `${qOut.name}.relu`,
    });
    cur = `${qOut.name}.relu`;
    curScale = qOut.scale;
  }

  ops.push({ kind: 'avgPool', name: 'final_pool', input: cur, out: 'final_pool' });
  const qAo = readActQuant(r, 'quant_act_output');
  expectBits(qAo, [8], src);
  ops.push({
    kind: 'requant',
    name: 'quant_act_output',
    input: 'final_pool',
    out: 'quant_act_output',
    scale: requantScale(curScale, [1], qAo.scale),
    clamp: qAo.clamp,
    outScale: qAo.scale,
    bits: 8,
  });
  const fc = readLinear(r, 'quant_output', 'quant_act_output', 'logits_int', qAo);
  ops.push(fc);
  const scale = new Float32Array(fc.shape[0]);
  for (let o = 0; o < scale.length; o++)
    scale[o] = Math.fround((fc.weightScale[o] as number) * qAo.scale);
  ops.push({ kind: 'dequantize', name: 'logits', input: 'logits_int', out: 'logits', scale });
  return {
    arch,
    numClasses: fc.shape[0],
    input: 'input',
    logitsInt: 'logits_int',
    logits: 'logits',
    ops,
  };
}
