// HAWQ does not store a quantizer's bit width in the state_dict. It is recovered exactly from the
// stored range and scale: act_scaling_factor is a float32 function of (x_min, x_max, bits, mode)
// (golden/README.md "Activation quantizers"), and only one (bits, mode) reproduces it.
import { activationScale, intRange } from '@hawq-ts/core';
import { MalformedModelError } from './errors.js';
import type { ClampRange } from './ir.js';
import type { StateDictReader } from './state-dict.js';

export interface ActQuant {
  name: string;
  scale: number;
  bits: number;
  signed: boolean;
  clamp: ClampRange;
  /** Largest |q| the quantizer can emit. */
  bound: number;
}

// Order matters only for degenerate ranges; HAWQ uses sym 8/16 and asym ("unsigned") 4.
const CANDIDATES: Array<[number, boolean]> = [
  [8, true],
  [16, true],
  [4, false],
  [4, true],
  [2, false],
  [2, true],
  [3, false],
  [5, false],
  [6, false],
  [8, false],
  [32, true],
];

export function readActQuant(r: StateDictReader, name: string): ActQuant {
  const xmin = r.scalar(`${name}.x_min`);
  const xmax = r.scalar(`${name}.x_max`);
  const scale = r.scalar(`${name}.act_scaling_factor`);
  for (const [bits, signed] of CANDIDATES) {
    if (activationScale(bits, signed ? 'symmetric' : 'asymmetric', xmin, xmax) !== scale) continue;
    const [lo, hi] = intRange(bits, signed ? 'symmetric' : 'asymmetric');
    const clamp: ClampRange = { lo, hi };
    return { name, scale, bits, signed, clamp, bound: Math.max(-clamp.lo, clamp.hi) };
  }
  throw new MalformedModelError(
    `${r.source}: cannot tell the bit width of '${name}' (act_scaling_factor ${scale} matches no HAWQ quantizer for range [${xmin}, ${xmax}])`,
  );
}
