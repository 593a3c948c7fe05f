// A small ONNX graph builder on top of onnx-proto: named initializers, nodes with typed attributes,
// and model serialization. Keeps the exporters free of protobuf details.
import { DataType, type NodeProto, onnx, type TensorProto, type ValueInfoProto } from './proto.js';

export type Attr = number | number[] | string | { f: number };

export type ElemType = 'float' | 'double' | 'int8' | 'uint8' | 'int32' | 'int64';

const DT: Record<ElemType, number> = {
  float: DataType.FLOAT,
  double: DataType.DOUBLE,
  int8: DataType.INT8,
  uint8: DataType.UINT8,
  int32: DataType.INT32,
  int64: DataType.INT64,
};

export function elemTypeCode(t: ElemType): number {
  return DT[t];
}

type TypedData = Float32Array | Float64Array | Int8Array | Uint8Array | Int32Array | BigInt64Array;

export class GraphBuilder {
  private readonly nodes: NodeProto[] = [];
  private readonly inits: TensorProto[] = [];
  private readonly names = new Set<string>();
  private counter = 0;

  /** A fresh tensor name derived from `base`. */
  fresh(base: string): string {
    let n = base;
    while (this.names.has(n)) n = `${base}_${++this.counter}`;
    this.names.add(n);
    return n;
  }

  init(base: string, type: ElemType, dims: number[], data: TypedData): string {
    const name = this.fresh(base);
    const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    this.inits.push({ name, dims, dataType: DT[type], rawData: raw });
    return name;
  }

  f32(base: string, dims: number[], data: ArrayLike<number>): string {
    return this.init(base, 'float', dims, Float32Array.from(data));
  }

  f64(base: string, dims: number[], data: ArrayLike<number>): string {
    return this.init(base, 'double', dims, Float64Array.from(data));
  }

  i64(base: string, data: number[]): string {
    return this.init(base, 'int64', [data.length], BigInt64Array.from(data.map(BigInt)));
  }

  /** Add a single-output node; returns its output name (fresh, derived from `out`). */
  node(
    opType: string,
    inputs: string[],
    out: string,
    attrs: Record<string, Attr> = {},
    domain?: string,
  ): string {
    return this.multi(opType, inputs, [out], attrs, domain)[0] as string;
  }

  /** Add a node with several outputs; returns their (fresh) names. */
  multi(
    opType: string,
    inputs: string[],
    out: string[],
    attrs: Record<string, Attr> = {},
    domain?: string,
  ): string[] {
    const outs = out.map((o) => this.fresh(o));
    const attribute = Object.entries(attrs).map(([name, v]) => {
      if (typeof v === 'number') return { name, type: onnx.AttributeProto.AttributeType.INT, i: v };
      if (typeof v === 'string')
        return {
          name,
          type: onnx.AttributeProto.AttributeType.STRING,
          s: new TextEncoder().encode(v),
        };
      if (Array.isArray(v)) return { name, type: onnx.AttributeProto.AttributeType.INTS, ints: v };
      return { name, type: onnx.AttributeProto.AttributeType.FLOAT, f: v.f };
    });
    this.nodes.push({
      opType,
      input: inputs,
      output: outs,
      name: outs[0],
      attribute,
      ...(domain ? { domain } : {}),
    });
    return outs;
  }

  /** Reserve an exact name (graph inputs/outputs) so nodes never collide with it. */
  reserve(name: string): string {
    if (this.names.has(name)) throw new Error(`ONNX graph: duplicate tensor name '${name}'`);
    this.names.add(name);
    return name;
  }

  /** Bind a node output to a graph output name reserved earlier with `reserve` (via Identity). */
  output(src: string, name: string): string {
    this.nodes.push({ opType: 'Identity', input: [src], output: [name], name });
    return name;
  }

  toBytes(opts: {
    inputs: ValueInfoProto[];
    outputs: ValueInfoProto[];
    opset: number;
    name: string;
    msDomain?: boolean;
  }): Uint8Array {
    const opsetImport = [{ domain: '', version: opts.opset }];
    if (opts.msDomain) opsetImport.push({ domain: 'com.microsoft', version: 1 });
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: '@hawq-ts/deploy',
      producerVersion: '0.1.0',
      opsetImport,
      graph: {
        name: opts.name,
        node: this.nodes,
        initializer: this.inits,
        input: opts.inputs,
        output: opts.outputs,
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }

  get nodeCount(): number {
    return this.nodes.length;
  }
}

/** ValueInfo with symbolic dims given as strings. */
export function valueInfo(
  name: string,
  type: ElemType,
  dims?: Array<number | string>,
): ValueInfoProto {
  const shape = dims
    ? { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) }
    : undefined;
  return { name, type: { tensorType: { elemType: DT[type], ...(shape ? { shape } : {}) } } };
}

/**
 * The outputs every integer graph ends with: the float32 logits, the integer logits as int32 and
 * each requested intermediate as int32 `int.<name>`. `logitsInt` and the intermediates' tensors
 * are graph tensors holding integer values in any numeric type.
 */
export function integerGraphOutputs(
  g: GraphBuilder,
  model: { logits: string; logitsInt: string; numClasses: number },
  logits: string,
  logitsInt: string,
  intermediates: ReadonlyArray<readonly [name: string, tensor: string]>,
): ValueInfoProto[] {
  const outputs = [
    valueInfo(model.logits, 'float', ['N', model.numClasses]),
    valueInfo(model.logitsInt, 'int32', ['N', model.numClasses]),
  ];
  g.output(logits, model.logits);
  g.output(g.node('Cast', [logitsInt], `${model.logitsInt}.i32`, { to: 6 }), model.logitsInt);
  for (const [name, tensor] of intermediates) {
    g.output(g.node('Cast', [tensor], `${name}.i32`, { to: 6 }), `int.${name}`);
    outputs.push(valueInfo(`int.${name}`, 'int32'));
  }
  return outputs;
}
