// A float ONNX model with the IntegerModel's architecture and dequantized weights (W = W_int·s_w,
// zero biases). Used by the benchmarks as the fp32 baseline of a synthetic quantized model,
// where no float checkpoint exists; it is not a numerically meaningful float model.
import type { IntegerModel } from '../ir.js';
import { GraphBuilder, valueInfo } from './graph.js';

export function exportDequantizedFloatOnnx(model: IntegerModel, opset: 13 | 21 = 13): Uint8Array {
  const g = new GraphBuilder();
  g.reserve('input');
  g.reserve('logits');
  const names = new Map<string, string>([[model.input, 'input']]);
  const get = (n: string) => names.get(n) as string;
  for (const op of model.ops) {
    switch (op.kind) {
      case 'quantizeInput':
      case 'requant':
        names.set(op.out, get(op.input));
        break;
      case 'conv': {
        const [co, , k] = op.shape;
        const w = Float32Array.from(
          op.weight,
          (x, i) => x * (op.weightScale[Math.floor(i / (op.weight.length / co))] as number),
        );
        names.set(
          op.out,
          g.node(
            'Conv',
            [
              get(op.input),
              g.f32(`${op.name}.w`, [...op.shape], w),
              g.f32(`${op.name}.b`, [co], new Float32Array(co)),
            ],
            op.out,
            {
              kernel_shape: [k, k],
              strides: [op.stride, op.stride],
              pads: [op.pad, op.pad, op.pad, op.pad],
            },
          ),
        );
        break;
      }
      case 'maxPool':
        names.set(
          op.out,
          g.node('MaxPool', [get(op.input)], op.out, {
            kernel_shape: [op.kernel, op.kernel],
            strides: [op.stride, op.stride],
            pads: [op.pad, op.pad, op.pad, op.pad],
          }),
        );
        break;
      case 'relu':
        names.set(op.out, g.node('Relu', [get(op.input)], op.out));
        break;
      case 'residual':
        names.set(op.out, g.node('Add', [get(op.identity), get(op.body)], op.out));
        break;
      case 'avgPool':
        names.set(
          op.out,
          g.node(
            'Flatten',
            [g.node('GlobalAveragePool', [get(op.input)], op.out)],
            `${op.out}.flat`,
            { axis: 1 },
          ),
        );
        break;
      case 'linear': {
        const w = Float32Array.from(
          op.weight,
          (x, i) => x * (op.weightScale[Math.floor(i / op.shape[1])] as number),
        );
        names.set(
          op.out,
          g.node(
            'Gemm',
            [
              get(op.input),
              g.f32(`${op.name}.w`, [...op.shape], w),
              g.f32(`${op.name}.b`, [op.shape[0]], new Float32Array(op.shape[0])),
            ],
            op.out,
            { transB: 1 },
          ),
        );
        break;
      }
      case 'dequantize':
        names.set(op.out, get(op.input));
        break;
    }
  }
  g.output(get(model.logits), 'logits');
  return g.toBytes({
    inputs: [valueInfo('input', 'float', ['N', 3, 'H', 'W'])],
    outputs: [valueInfo('logits', 'float', ['N', model.numClasses])],
    opset,
    name: `${model.arch}-dequantized-float`,
  });
}
