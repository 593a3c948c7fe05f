// eval_trace statistics of an integer tensor, in BigInt (sums of squares exceed 2^53).
import { createHash } from 'node:crypto';

export interface IntStats {
  shape: number[];
  min: number;
  max: number;
  sum: bigint;
  sum_abs: bigint;
  sum_sq: bigint;
  nonzero: number;
  sha256_int32_le: string;
}

export function intStats(values: ArrayLike<number>, shape: readonly number[]): IntStats {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0n;
  let sumAbs = 0n;
  let sumSq = 0n;
  let nonzero = 0;
  const i32 = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    i32[i] = v;
    if (v < min) min = v;
    if (v > max) max = v;
    const b = BigInt(v);
    sum += b;
    sumAbs += b < 0n ? -b : b;
    sumSq += b * b;
    if (v !== 0) nonzero++;
  }
  const sha = createHash('sha256').update(new Uint8Array(i32.buffer)).digest('hex');
  return {
    shape: [...shape],
    min: min === 0 ? 0 : min,
    max: max === 0 ? 0 : max,
    sum,
    sum_abs: sumAbs,
    sum_sq: sumSq,
    nonzero,
    sha256_int32_le: sha,
  };
}

/** JSON numbers of the reference parsed exactly: integers beyond 2^53 keep their digits. */
export function parseJsonExact(text: string): unknown {
  // Integers with 16+ digits are quoted first so JSON.parse keeps their exact digits.
  const quoted = text.replace(/([:[,]\s*)(-?\d{16,})(?=\s*[,}\]])/g, '$1"$2"');
  return JSON.parse(quoted);
}

export function toBigInt(v: unknown): bigint | undefined {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
  return undefined;
}
