/** Raised for invalid quantizer settings or inputs (bad bit width, shape mismatch, missing scale). */
export class QuantError extends Error {
  override name = 'QuantError';
}
