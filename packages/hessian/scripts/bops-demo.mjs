#!/usr/bin/env node
// Traces → bit config → predicted perturbation, against Hessian-blind choices at the same BOPS.
// Usage (after `pnpm build`): node packages/hessian/scripts/bops-demo.mjs SENSITIVITY.json [r …]
// SENSITIVITY.json is the output of `pnpm bits hessian`. For each BOPS ratio r it prints the
// predicted perturbation Σ trace·Δ_b (HAWQ's ILP objective plus the all-4-bit constant) of:
//   uniform 4 / uniform 8 bits (the ends, r = 0 and 1),
//   the ILP on the Hessian traces (what `pnpm bits ilp --budget bops=r` writes),
//   the ILP with every trace replaced by their mean (ranks layers by Δ only: no Hessian),
//   random assignments within the budget (mean and best of 2000, ties respected).
import { readFileSync } from 'node:fs';
import { evaluateBits, parseSensitivityJson, solveIlp, structuralTies } from '@hawq-ts/ilp';

const [file, ...ratios] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: bops-demo.mjs SENSITIVITY.json [r …]\n');
  process.exit(2);
}
const s = parseSensitivityJson(readFileSync(file, 'utf8'), file);
const rs = ratios.length > 0 ? ratios.map(Number) : [0.25, 0.5, 0.75];
const names = s.layers.map((l) => l.name);
const uniform = (b) => new Map(names.map((n) => [n, b]));
const meanTrace = s.layers.reduce((a, l) => a + l.trace, 0) / s.layers.length;
const blind = { ...s, layers: s.layers.map((l) => ({ ...l, trace: meanTrace })) };

// Random assignments: one coin per tie group (an identity conv shares bits with conv1).
const partner = new Map(structuralTies(names).map(([a, b]) => [b, a]));
let seed = 12345;
const uniform01 = () => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 2 ** 32;
};
const randomBits = (p8) => {
  const bits = new Map();
  for (const n of names) if (!partner.has(n)) bits.set(n, uniform01() < p8 ? 8 : 4);
  for (const [id, conv1] of partner) bits.set(id, bits.get(conv1));
  return bits;
};

const fmt = (e) =>
  `${e.perturbation.toExponential(4)}  (${e.eightBitLayers}/${names.length} at 8 bits, r = ${e.costs.bops.ratio.toFixed(3)})`;
console.log(`${s.arch}, ${names.length} layers, from ${file}`);
console.log(`uniform 4 bits: ${fmt(evaluateBits(s, uniform(4)))}`);
console.log(`uniform 8 bits: ${fmt(evaluateBits(s, uniform(8)))}`);
for (const r of rs) {
  const ilp = await solveIlp(s, [{ kind: 'bops', ratio: r }]);
  const noHessian = await solveIlp(blind, [{ kind: 'bops', ratio: r }]);
  const feasible = [];
  for (let i = 0; i < 20000 && feasible.length < 2000; i++) {
    const e = evaluateBits(s, randomBits(r));
    if (e.costs.bops.ratio <= r + 1e-9) feasible.push(e);
  }
  const mean = feasible.reduce((a, e) => a + e.perturbation, 0) / feasible.length;
  const best = feasible.reduce((a, e) => (e.perturbation < a.perturbation ? e : a));
  console.log(`\nbops=${r}`);
  console.log(`  ILP, Hessian traces:       ${fmt(evaluateBits(s, ilp.bits))}`);
  console.log(`  ILP, traces all equal:     ${fmt(evaluateBits(s, noHessian.bits))}`);
  console.log(
    `  random within budget:      mean ${mean.toExponential(4)}, best ${fmt(best)} (${feasible.length} samples)`,
  );
  console.log(
    `  ILP config (8-bit layers): ${[...ilp.bits]
      .filter(([, b]) => b === 8)
      .map(([n]) => n)
      .join(' ')}`,
  );
}
