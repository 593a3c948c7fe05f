// Seeded randomness. The generator is MT19937 from pure-rand (a well-kept library); only the mixing of
// several integers into one 32-bit seed is ours, because MT19937 takes a single integer.
import { uniformFloat32 } from 'pure-rand/distribution/uniformFloat32';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { mersenne } from 'pure-rand/generator/mersenne';

type Generator = ReturnType<typeof mersenne>;

/**
 * Folds integers into one uint32 with MurmurHash3's finaliser (fmix32), so that (seed, epoch) pairs
 * that differ in one bit give unrelated MT19937 seeds.
 */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    // Split values up to 2^53 into two 32-bit words so large seeds are not truncated.
    const lo = p >>> 0;
    const hi = Math.floor(p / 0x1_0000_0000) >>> 0;
    h = fmix32(h ^ fmix32(lo));
    h = fmix32(h ^ fmix32(hi + 0x85ebca6b));
  }
  return h >>> 0;
}

function fmix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A mutable MT19937 stream with the few draws the data pipeline needs. */
export class Rng {
  private readonly gen: Generator;

  /** `parts` are mixed into the seed; use them to name independent streams (epoch, purpose…). */
  constructor(seed: number, ...parts: number[]) {
    this.gen = mersenne(mixSeed(seed, ...parts));
  }

  /** A uniform uint32. */
  uint32(): number {
    return this.gen.next() >>> 0;
  }

  /** A float32 in [0, 1) with 24 random bits, like `torch.rand` for float tensors. */
  float32(): number {
    return uniformFloat32(this.gen);
  }

  /** Float32 uniform in [lo, hi), computed as torch's `uniform_` does: `u * (hi - lo) + lo` in float32. */
  uniform(lo: number, hi: number): number {
    const f = Math.fround;
    return f(f(this.float32() * f(f(hi) - f(lo))) + f(lo));
  }

  /** An integer in [lo, hi) (`torch.randint(lo, hi)` bounds), without modulo bias. */
  int(lo: number, hi: number): number {
    return uniformInt(this.gen, lo, hi - 1);
  }

  /** A uniformly random permutation of 0..n-1 (Fisher–Yates). */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = uniformInt(this.gen, 0, i);
      const t = p[i]!;
      p[i] = p[j]!;
      p[j] = t;
    }
    return p;
  }
}
