/**
 * Layer naming. The ILP works on HAWQ module names (`stage2.unit1.quant_convbn1`); HAWQ's
 * ILP.ipynb data (shared/reference/ilp-data.json) uses short aliases (`stage2.unit1.c1`, `c2`,
 * `c3`, `id`), accepted everywhere a layer name is.
 */
const SHORT_TO_HAWQ: Readonly<Record<string, string>> = {
  c1: 'quant_convbn1',
  c2: 'quant_convbn2',
  c3: 'quant_convbn3',
  id: 'quant_identity_convbn',
};

const SHORT_NAME = /^(stage\d+\.unit\d+)\.(c[123]|id)$/;
const IDENTITY_CONV = /^(stage\d+\.unit\d+)\.quant_identity_convbn$/;

/** The HAWQ module name of a layer given by either naming. */
export function toHawqName(name: string): string {
  const m = SHORT_NAME.exec(name);
  return m ? `${m[1]}.${SHORT_TO_HAWQ[m[2]!]}` : name;
}

/**
 * Ties implied by HAWQ's structure: the identity (downsample) conv reads the same quantized input
 * as conv1 of its unit (one shared QuantAct), so both must have the same bit width.
 * Names are HAWQ module names; only pairs whose both members are in `names` are returned.
 */
export function structuralTies(names: readonly string[]): [string, string][] {
  const present = new Set(names);
  const ties: [string, string][] = [];
  for (const name of names) {
    const m = IDENTITY_CONV.exec(name);
    const conv1 = m ? `${m[1]}.quant_convbn1` : undefined;
    if (conv1 && present.has(conv1)) ties.push([conv1, name]);
  }
  return ties;
}
