// Settings shared by the weight-quantizing modules (QuantBnConv2d, QuantConv2d, QuantLinear),
// named after HAWQ's constructor arguments.
import { QuantError } from './errors.js';
import { quantizeChannels } from './quantize.js';
import { checkBits, type QuantMode, weightScales } from './scales.js';

export interface WeightQuantOptions {
  weightBit?: number;
  /** null disables bias quantization (HAWQ: bias_bit None) */
  biasBit?: number | null;
  perChannel?: boolean;
  weightPercentile?: number;
  quantMode?: QuantMode;
  fullPrecisionFlag?: boolean;
}

export class WeightQuantSettings {
  weightBit: number;
  biasBit: number | null;
  perChannel: boolean;
  weightPercentile: number;
  quantMode: QuantMode;
  fullPrecisionFlag: boolean;
  fixFlag = false;

  constructor(opts: WeightQuantOptions = {}) {
    this.weightBit = opts.weightBit ?? 4;
    this.biasBit = opts.biasBit ?? null;
    this.perChannel = opts.perChannel ?? false;
    this.weightPercentile = opts.weightPercentile ?? 0;
    this.quantMode = opts.quantMode ?? 'symmetric';
    this.fullPrecisionFlag = opts.fullPrecisionFlag ?? false;
  }

  setBits(bits: number, where: string): void {
    checkBits(bits, where);
    this.weightBit = bits;
  }
}

export interface QuantizedWeight {
  scale: Float32Array;
  integer: Float64Array;
}

/** Symmetric weight quantization of a [channels, -1] weight, per channel or per tensor. */
export function quantizeWeight(
  weight: Float32Array,
  channels: number,
  s: WeightQuantSettings,
  where: string,
): QuantizedWeight {
  if (s.quantMode !== 'symmetric') {
    throw new QuantError(`${where}: weights support only symmetric quantization (HAWQ raises too)`);
  }
  const scale = weightScales(weight, channels, s.weightBit, s.perChannel, s.weightPercentile);
  return { scale, integer: quantizeChannels(weight, scale, s.weightBit, 'symmetric') };
}
