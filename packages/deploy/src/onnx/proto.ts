// onnx-proto (protobufjs-generated ONNX schema) is CommonJS; this is its one ESM entry point.
import onnxProto from 'onnx-proto';

export const onnx = onnxProto.onnx;
export type NodeProto = onnxProto.onnx.INodeProto;
export type TensorProto = onnxProto.onnx.ITensorProto;
export type ValueInfoProto = onnxProto.onnx.IValueInfoProto;
export const DataType = onnxProto.onnx.TensorProto.DataType;
