// Correctly rounded float32 fused multiply-add for an exact double product (|a·b| < 2^53 bits
// of precision, true for an integer weight times a float32 activation): one rounding of a·b + c.
const buf = new Float32Array(1);
const bits = new Uint32Array(buf.buffer);

function nextFloat32Away(r: number, towards: number): number {
  buf[0] = r;
  if (r === 0) {
    bits[0] = 1;
    return towards > 0 ? buf[0]! : -buf[0]!;
  }
  // moving away from zero increments the magnitude bits
  const up = towards > r === r > 0;
  bits[0] = up ? bits[0]! + 1 : bits[0]! - 1;
  return buf[0]!;
}

/** fl32(a·b + c) with a single rounding, assuming a·b is exact in float64. */
export function fmaF32(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const r = Math.fround(s);
  if (r === s) return r;
  // TwoSum: s + err === p + c exactly
  const bv = s - p;
  const err = p - (s - bv) + (c - bv);
  if (err === 0) return r;
  // only an exact float32 midpoint can be decided wrongly by rounding s instead of s + err
  const other = nextFloat32Away(r, s);
  if (s - r !== other - s) return r;
  // s is the midpoint: the exact value lies on the side of err
  return err > 0 ? Math.max(r, other) : Math.min(r, other);
}
