import type { ZooModel } from '@hawq-ts/zoo';
import type { ComputedCosts } from './computed.js';

/** Decimals the README prints: sizes to 0.1 MB, BOPS to 1 G. */
export const PUBLISHED_DECIMALS = { size: 1, gbops: 0 } as const;

/** True when the computed value, rounded as the README rounds, is not the published value. */
export function differs(computed: number, published: number, decimals: number): boolean {
  return Number(computed.toFixed(decimals)) !== published;
}

export interface Discrepancy {
  column: 'size' | 'gbops';
  computed: number;
  published: number;
}

export function discrepancies(model: ZooModel, costs: ComputedCosts): Discrepancy[] {
  const out: Discrepancy[] = [];
  if (differs(costs.sizeMiB, model.sizeMB, PUBLISHED_DECIMALS.size)) {
    out.push({ column: 'size', computed: costs.sizeMiB, published: model.sizeMB });
  }
  if (differs(costs.gbops, model.gbops, PUBLISHED_DECIMALS.gbops)) {
    out.push({ column: 'gbops', computed: costs.gbops, published: model.gbops });
  }
  return out;
}

const isMixed = (m: ZooModel) => m.bitConfig !== null && !m.bitConfig.startsWith('uniform');

export interface Explanation {
  id: string;
  /** Text given all the discrepancies with this id (ranges are computed, not quoted). */
  text: (found: readonly (Discrepancy & { model: ZooModel })[]) => string;
}

const range = (xs: readonly number[], digits: number) => {
  const lo = Math.min(...xs).toFixed(digits);
  const hi = Math.max(...xs).toFixed(digits);
  return lo === hi ? lo : `${lo}–${hi}`;
};

/** "0.6–4.3 G smaller" for published − computed differences of one sign, else the signed range. */
function signedRange(gaps: readonly number[]): string {
  if (gaps.every((g) => g < 0))
    return `published ${range(
      gaps.map((g) => -g),
      1,
    )} G smaller`;
  if (gaps.every((g) => g > 0)) return `published ${range(gaps, 1)} G larger`;
  return `published − computed from ${Math.min(...gaps).toFixed(1)} to ${Math.max(...gaps).toFixed(1)} G`;
}

const list = (found: readonly (Discrepancy & { model: ZooModel })[], digits: number) =>
  found.map((d) => `${d.model.name} ${d.published} vs ${d.computed.toFixed(digits)}`).join('; ');

const MIXED_SIZE: Explanation = {
  id: 'pub-mixed-size',
  text: (found) =>
    `Published sizes of the mixed-precision rows are ${range(
      found.map((d) => d.published - d.computed),
      2,
    )} MiB larger than the released bit configs imply; no consistent counting reproduces them (hawq-spec §6, the HAWQ notebook says first and last layers were "manually added"), so they are treated as paper numbers. The computed value follows the released config.`,
};

const MIXED_BOPS: Explanation = {
  id: 'pub-mixed-bops',
  text: (found) =>
    `Published BOPS of the mixed-precision rows differ from what the released bit configs imply (${signedRange(
      found.map((d) => d.published - d.computed),
    )}); no consistent formula reproduces them (hawq-spec §6), so they are treated as paper numbers.`,
};

const FP_SIZE: Explanation = {
  id: 'pub-fp-size',
  text: (found) =>
    `Published FP32 size matches neither all parameters nor conv/FC weights only at 4 bytes (${list(found, 2)} MiB counting all parameters; see the FP-size note for the weights-only count); no counting found here reproduces it (hawq-spec §6).`,
};

const R101_BOPS: Explanation = {
  id: 'pub-r101-bops',
  text: (found) =>
    `Published BOPS of ResNet101/101b (${list(found, 1)} G) equal PyTorchCV's published FLOPs × 1.024 (7,597.95 M → 7780, 7,830.48 M → 8018): a different counting than Σ MACs × 32 × 32 used for every other row.`,
};

const ROUNDED: Explanation = {
  id: 'pub-rounded',
  text: (found) =>
    `Published value is the computed one rounded differently (${list(found, 2)}): consistent with rounding to 3 significant digits or truncating.`,
};

const UNEXPLAINED: Explanation = {
  id: 'pub-unexplained',
  text: (found) =>
    `Published value differs from the computed one and no counting of the released config explains it (${list(found, 2)}); shown as published, not used.`,
};

/**
 * Why a published size/BOPS differs from the computed one. Explanations come from hawq-spec §6;
 * a difference not covered there gets the "unexplained" note — a mismatch is never silent.
 */
export function explain(model: ZooModel, d: Discrepancy): Explanation {
  if (isMixed(model)) return d.column === 'size' ? MIXED_SIZE : MIXED_BOPS;
  const gap = Math.abs(d.published - d.computed);
  if (model.bitConfig === null && d.column === 'size' && model.arch === 'resnet50') return FP_SIZE;
  if (model.bitConfig === null && d.column === 'gbops' && model.arch.startsWith('resnet101')) {
    return R101_BOPS;
  }
  // Within one unit of the printed precision's next digit: 169.94 → "170.0", 34.71 → "34".
  const unit = 10 ** -PUBLISHED_DECIMALS[d.column];
  if (gap < unit && (d.column === 'gbops' ? Math.trunc(d.computed) === d.published : true)) {
    if (d.column === 'size' && Math.abs(Number(d.computed.toPrecision(3)) - d.published) > 1e-9) {
      return UNEXPLAINED;
    }
    return ROUNDED;
  }
  return UNEXPLAINED;
}
