// The integer intermediate representation (IR): an ordered list of integer ops over named tensors.
// Both exporters (ONNX exact/fast, packed safetensors) and the JS reference executor walk this list,
// so the HAWQ semantics (which scale feeds which requantization, where the ReLUs sit) live in one
// place: from-hawq.ts.

/** Integer activation range of a quantizer: [lo, hi]; `null` = not clamped (HAWQ residual sum). */
export interface ClampRange {
  lo: number;
  hi: number;
}

/** Dyadic requantization of one branch: out = round(acc · m · 2^-e) (per channel or per tensor). */
export interface DyadicScale {
  /** 31-bit mantissas (m ≤ 2^31), one per channel or a single one. */
  m: number[];
  /** Shifts e (out = acc·m/2^e). Same length as `m`. */
  e: number[];
}

export interface QuantizeInputOp {
  kind: 'quantizeInput';
  name: string;
  input: string;
  out: string;
  /** float32 activation scale s_in; HAWQ multiplies by its float32 reciprocal. */
  scale: number;
  clamp: ClampRange;
}

export interface ConvOp {
  kind: 'conv';
  name: string;
  input: string;
  /** Integer accumulator conv(x, W) + b. */
  out: string;
  /** [Cout, Cin, kh, kw] */
  shape: [number, number, number, number];
  /** Integer weights (int4 values held in an int8 container). */
  weight: Int8Array;
  bias: Int32Array;
  weightBits: number;
  /** float32 per-output-channel weight scale (`convbn_scaling_factor`), kept for documentation/packing. */
  weightScale: Float32Array;
  stride: number;
  pad: number;
  /** max |x| of the integer input (from the feeding quantizer's range): used by the exactness bound. */
  inputBound: number;
}

export interface LinearOp {
  kind: 'linear';
  name: string;
  input: string;
  out: string;
  /** [out, in] */
  shape: [number, number];
  weight: Int8Array;
  bias: Int32Array;
  weightBits: number;
  weightScale: Float32Array;
  inputBound: number;
}

export interface MaxPoolOp {
  kind: 'maxPool';
  name: string;
  input: string;
  out: string;
  kernel: number;
  stride: number;
  pad: number;
}

export interface ReluOp {
  kind: 'relu';
  name: string;
  input: string;
  out: string;
}

export interface RequantOp {
  kind: 'requant';
  name: string;
  input: string;
  out: string;
  scale: DyadicScale;
  clamp: ClampRange;
  /** float32 scale of the output integers (the quantizer's act_scaling_factor). */
  outScale: number;
  bits: number;
}

/** HAWQ residual quantizer: both branches requantized separately, summed, NOT clamped. */
export interface ResidualOp {
  kind: 'residual';
  name: string;
  identity: string;
  identityScale: DyadicScale;
  body: string;
  bodyScale: DyadicScale;
  out: string;
  outScale: number;
  bits: number;
}

/**
 * HAWQ QuantAveragePool2d over the whole final k×k map (HAWQ's 7×7 at 193..224 inputs):
 * trunc(sum/k² + 0.01) = floor(sum/k²) for x ≥ 0 and k ≤ 9. k follows from the input size.
 */
export interface AvgPoolOp {
  kind: 'avgPool';
  name: string;
  input: string;
  out: string;
}

/** logits = y_int · scale[o] in float32 (scale = float32(s_fc[o] · s_act)). */
export interface DequantizeOp {
  kind: 'dequantize';
  name: string;
  input: string;
  out: string;
  scale: Float32Array;
}

export type IntOp =
  | QuantizeInputOp
  | ConvOp
  | LinearOp
  | MaxPoolOp
  | ReluOp
  | RequantOp
  | ResidualOp
  | AvgPoolOp
  | DequantizeOp;

export interface IntegerModel {
  /** e.g. 'resnet18', 'resnet50' (from the checkpoint or inferred). */
  arch: string;
  numClasses: number;
  /** Name of the float32 NCHW input tensor. */
  input: string;
  /** Name of the final integer classifier output (before dequantization). */
  logitsInt: string;
  /** Name of the float32 logits. */
  logits: string;
  ops: IntOp[];
}
