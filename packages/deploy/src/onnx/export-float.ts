// Float ONNX export of a PyTorchCV ResNet float state_dict (the FP rows): BN folded into the convs
// (W' = W·γ/σ, b' = β − μ·γ/σ, eps 1e-5), fp32 Conv/Relu/MaxPool/Add, 7×7 average pool, Gemm.
import { MalformedModelError, UnsupportedModelError } from '../errors.js';
import { type StateDict, StateDictReader } from '../state-dict.js';
import { GraphBuilder, valueInfo } from './graph.js';

export interface FloatExportOptions {
  /** 'resnet50b'/'resnet101b' put the stride in the 3×3 conv; default: inferred v1 layout (stride in conv1). */
  arch?: string;
  source?: string;
  opset?: 13 | 21;
}

function foldedConv(
  g: GraphBuilder,
  r: StateDictReader,
  prefix: string,
  x: string,
  stride: number,
  relu: boolean,
): string {
  const wT = r.tensor(`${prefix}.conv.weight`);
  if (wT.shape.length !== 4)
    throw new MalformedModelError(`${r.source}: '${prefix}.conv.weight' must be 4-D`);
  const [co, ci, k] = wT.shape as [number, number, number, number];
  const w = wT.toFloat32();
  const gamma = r.f32(`${prefix}.bn.weight`, [co]);
  const beta = r.f32(`${prefix}.bn.bias`, [co]);
  const mean = r.f32(`${prefix}.bn.running_mean`, [co]);
  const variance = r.f32(`${prefix}.bn.running_var`, [co]);
  const wf = new Float32Array(w.length);
  const bf = new Float32Array(co);
  const per = ci * k * k;
  for (let o = 0; o < co; o++) {
    const s = (gamma[o] as number) / Math.sqrt((variance[o] as number) + 1e-5);
    for (let i = 0; i < per; i++) wf[o * per + i] = (w[o * per + i] as number) * s;
    bf[o] = (beta[o] as number) - (mean[o] as number) * s;
  }
  const pad = (k - 1) / 2;
  const y = g.node(
    'Conv',
    [x, g.f32(`${prefix}.w`, [co, ci, k, k], wf), g.f32(`${prefix}.b`, [co], bf)],
    prefix,
    {
      kernel_shape: [k, k],
      strides: [stride, stride],
      pads: [pad, pad, pad, pad],
    },
  );
  return relu ? g.node('Relu', [y], `${prefix}.relu`) : y;
}

/** Export a PyTorchCV ResNet float state_dict (`features.*`, `output.*`) as an fp32 ONNX model. */
export function exportFloatOnnx(sd: StateDict, opts: FloatExportOptions = {}): Uint8Array {
  const r = new StateDictReader(sd, opts.source ?? 'state_dict');
  if (!r.has('features.init_block.conv.conv.weight')) {
    throw new UnsupportedModelError(
      `${r.source}: not a PyTorchCV ResNet float state_dict (no 'features.init_block.conv.conv.weight'); only ResNets are exported`,
    );
  }
  const units: Array<[number, number]> = [];
  for (const k of r.keys()) {
    const m = /^features\.stage(\d+)\.unit(\d+)\.body\.conv1\.conv\.weight$/.exec(k);
    if (m) units.push([Number(m[1]), Number(m[2])]);
  }
  units.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (units.length === 0)
    throw new UnsupportedModelError(`${r.source}: no ResNet units 'features.stageS.unitU' found`);
  const bottleneck = r.has(
    `features.stage${units[0]?.[0]}.unit${units[0]?.[1]}.body.conv3.conv.weight`,
  );
  const arch = opts.arch ?? `resnet${2 + units.length * (bottleneck ? 3 : 2)}`;
  const strideInConv2 = bottleneck && arch.endsWith('b');
  const g = new GraphBuilder();
  g.reserve('input');
  g.reserve('logits');
  let x = foldedConv(g, r, 'features.init_block.conv', 'input', 2, true);
  x = g.node('MaxPool', [x], 'features.init_block.pool', {
    kernel_shape: [3, 3],
    strides: [2, 2],
    pads: [1, 1, 1, 1],
  });
  for (const [s, u] of units) {
    const p = `features.stage${s}.unit${u}`;
    const stride = u === 1 && s > 1 ? 2 : 1;
    const identity = r.has(`${p}.identity_conv.conv.weight`)
      ? foldedConv(g, r, `${p}.identity_conv`, x, stride, false)
      : x;
    const n = bottleneck ? 3 : 2;
    let y = x;
    for (let k = 1; k <= n; k++) {
      const st = (strideInConv2 ? k === 2 : k === 1) ? stride : 1;
      y = foldedConv(g, r, `${p}.body.conv${k}`, y, st, k < n);
    }
    x = g.node('Relu', [g.node('Add', [y, identity], `${p}.add`)], `${p}.activ`);
  }
  // PyTorchCV's 7×7 final_pool at 193..224 is a global average; global keeps other input sizes working
  x = g.node('GlobalAveragePool', [x], 'features.final_pool');
  x = g.node('Flatten', [x], 'flatten', { axis: 1 });
  const wT = r.tensor('output.weight');
  const [o, i] = wT.shape as [number, number];
  const logits = g.node(
    'Gemm',
    [
      x,
      g.f32('output.w', [o, i], wT.toFloat32()),
      g.f32('output.b', [o], r.f32('output.bias', [o])),
    ],
    'output',
    { transB: 1 },
  );
  g.output(logits, 'logits');
  return g.toBytes({
    inputs: [valueInfo('input', 'float', ['N', 3, 'H', 'W'])],
    outputs: [valueInfo('logits', 'float', ['N', o])],
    opset: opts.opset ?? 13,
    name: `${arch}-float`,
  });
}
