// Hooks that let callers (the golden checker, debugging tools) observe every integer tensor
// of the exact path, in execution order, without the modules knowing who listens.
import type { RequantParams } from './requant.js';
import type { QuantMode } from './scales.js';

export interface ActTrace {
  module: string;
  bits: number;
  quantMode: QuantMode;
  /** null: direct quantization (network input or fixed-point mode); 0: rescale; 1: residual */
  fixedpointCase: null | 0 | 1;
  actScalingFactor: number;
  xMin: number;
  xMax: number;
  /** batch statistics seen while the range was running (calibration); undefined when frozen */
  batchMin?: number;
  batchMax?: number;
  shape: number[];
  outInt: Float64Array;
  accInt?: Float64Array;
  accIdentityInt?: Float64Array;
  accBodyInt?: Float64Array;
  requant: RequantParams[];
  /** products |z*m| >= 2^53 (float64 rounds there; integer hardware would not) */
  unsafeProducts: number;
}

export interface PoolTrace {
  module: string;
  scale: number;
  shape: number[];
  outInt: Float64Array;
}

export interface LinearTrace {
  module: string;
  shape: number[];
  outInt: Float64Array;
  outputScale: Float32Array;
}

export interface Tracer {
  act?(t: ActTrace): void;
  pool?(t: PoolTrace): void;
  linear?(t: LinearTrace): void;
}
