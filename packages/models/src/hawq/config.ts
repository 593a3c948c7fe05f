// Apply a bit configuration the way quant_train.py does (hawq-spec §3 step 4): every module
// named in the config gets the run's flags, then its bit width; 4-bit activations turn
// "asymmetric" (unsigned, zero point 0).
import { QuantAct, QuantBnConv2d, type QuantLinear } from '@hawq-ts/core';
import type { QResNet } from './q-resnet.js';

export interface QuantFlags {
  /** --bias-bit (default 32) */
  biasBit?: number;
  /** per-channel weight scales (default true; HAWQ's --channel-wise flag turns it off) */
  channelWise?: boolean;
  actPercentile?: number;
  weightPercentile?: number;
  /** --act-range-momentum (default -1: global min/max) */
  actRangeMomentum?: number;
  /** --fix-BN: train with folded BN */
  fixBN?: boolean;
  fixBNThreshold?: number | null;
  fixedPointQuantization?: boolean;
}

export interface BitConfigReport {
  /** config names that match no module of the model */
  unmatched: string[];
  /** modules the config leaves at HAWQ's constructor defaults */
  unconfigured: string[];
}

export function applyBitConfig(
  model: Pick<QResNet, 'namedModules'>,
  entries: ReadonlyMap<string, number>,
  flags: QuantFlags = {},
): BitConfigReport {
  const biasBit = flags.biasBit ?? 32;
  const seen = new Set<string>();
  const unconfigured: string[] = [];
  for (const [name, m] of model.namedModules()) {
    const bits = entries.get(name);
    if (bits === undefined) {
      unconfigured.push(name);
      continue;
    }
    seen.add(name);
    if (m instanceof QuantAct) {
      m.quantMode = 'symmetric';
      m.actPercentile = flags.actPercentile ?? 0;
      m.actRangeMomentum = flags.actRangeMomentum ?? -1;
      m.fixFlag = false;
      m.fixedPointQuantization = flags.fixedPointQuantization ?? false;
      m.setBits(bits);
    } else {
      m.q.quantMode = 'symmetric';
      m.q.biasBit = biasBit === 0 ? null : biasBit;
      m.q.perChannel = flags.channelWise ?? true;
      m.q.weightPercentile = flags.weightPercentile ?? 0;
      m.q.fixFlag = false;
      if (m instanceof QuantBnConv2d) {
        m.fixBN = flags.fixBN ?? false;
        m.trainingBNMode = m.fixBN;
        m.fixBNThreshold = flags.fixBNThreshold ?? null;
      }
      m.q.setBits(bits, name);
    }
  }
  const unmatched = [...entries.keys()].filter((k) => !seen.has(k));
  return { unmatched, unconfigured };
}

/** Current bits of every module (activation bits or weight bits), by HAWQ name. */
export function currentBits(model: Pick<QResNet, 'namedModules'>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [name, m] of model.namedModules()) {
    out.set(
      name,
      m instanceof QuantAct ? m.activationBit : (m as QuantBnConv2d | QuantLinear).q.weightBit,
    );
  }
  return out;
}
