// Float32 primitives that reproduce PyTorch's elementwise float32 arithmetic bit for bit.
// Every HAWQ step (reciprocal, multiply, divide, add) is rounded to float32 separately,
// so each helper rounds exactly once, like one torch kernel would.

export const f32 = Math.fround;

/** torch.round: round half to even. Keeps the sign of zero like IEEE rint. */
export function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const r = Math.round(x); // half up
  // Math.round(-0.5) === -0; Math.round(2.5) === 3 -> step back to the even neighbour on exact ties.
  if (r - x === 0.5 && r % 2 !== 0) return r - 1;
  if (r === 0 && x < 0) return -0;
  return r;
}

/** Float32 reciprocal `1. / scale` as torch computes it for a float32 tensor. */
export function reciprocalF32(scale: number): number {
  return f32(1 / f32(scale));
}

/** Clamp that keeps NaN (torch.clamp propagates NaN). */
export function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : Math.min(x, hi);
}
