// Typed errors: every message is one line naming the model/file/layer and what to do about it.

/** Base class of every error thrown by @hawq-ts/deploy. */
export class DeployError extends Error {
  override name = 'DeployError';
}

/** The checkpoint or model uses an op, bit width or architecture the integer exporter does not support. */
export class UnsupportedModelError extends DeployError {
  override name = 'UnsupportedModelError';
}

/** A state_dict, packed file or ONNX input is malformed (missing key, wrong shape, non-integer weights). */
export class MalformedModelError extends DeployError {
  override name = 'MalformedModelError';
}

/** An integer value would leave the range in which the exported arithmetic is exact. */
export class ExactnessError extends DeployError {
  override name = 'ExactnessError';
}

/** onnxruntime failed to load or run a model, or the input has the wrong shape. */
export class RuntimeError extends DeployError {
  override name = 'RuntimeError';
}
