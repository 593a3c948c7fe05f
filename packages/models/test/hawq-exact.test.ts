import { describe, expect, it } from 'vitest';
import {
  applyBitConfig,
  currentBits,
  QResNet,
  qResNetFromFloatStateDict,
  specFromShapes,
} from '../src/hawq/index.js';
import { randomInput, tinyFloatStateDict, uniformConfig } from './helpers/tiny-resnet.js';

function model(
  opts: {
    bottleneck?: boolean;
    bits?: number;
    flags?: Record<string, unknown>;
    conv1Stride?: boolean;
  } = {},
) {
  const sd = tinyFloatStateDict({
    bottleneck: opts.bottleneck ?? false,
    widths: opts.bottleneck ? [8, 16, 16, 32] : [4, 8, 8, 16],
  });
  const spec = specFromShapes([...sd.keys()], (k) => sd.get(k)?.shape, 'pytorchcv');
  const names = new QResNet(spec).namedModules().map(([n]) => n);
  return qResNetFromFloatStateDict(sd, {
    bitConfig: uniformConfig(names, opts.bits ?? 8),
    flags: { actRangeMomentum: 0.99, fixBN: true, ...opts.flags },
    ...(opts.conv1Stride !== undefined ? { conv1Stride: opts.conv1Stride } : {}),
  });
}

describe('exact path of Q_ResNet', () => {
  it('calibrates, then evaluates deterministically with frozen ranges', () => {
    const m = model();
    const x = randomInput(2, 197);
    m.calibrateExact([randomInput(1, 197, 1), randomInput(1, 197, 2)]);
    const ranges = m.activationQuantizers().map((a) => [a.xMin, a.xMax]);
    const a = m.evaluateExact(x);
    const b = m.evaluateExact(x);
    expect(m.activationQuantizers().map((q) => [q.xMin, q.xMax])).toEqual(ranges);
    expect(Array.from(a.logitsInt)).toEqual(Array.from(b.logitsInt));
    expect(a.logits.shape).toEqual([2, 5]);
    for (let i = 0; i < a.logits.data.length; i++) {
      expect(a.logits.data[i]).toBe(Math.fround(a.logitsInt[i]! * a.logitsScale[i % 5]!));
    }
  });
  it('re-folds weights after unfreeze (the frozen fold cache does not go stale)', () => {
    const m = model();
    const x = randomInput(1, 193, 21);
    m.calibrateExact([x]);
    const before = m.evaluateExact(x).logitsInt;
    const w = m.initConv.weight.read();
    m.initConv.weight.assign(Float32Array.from(w, (v) => Math.fround(-v)));
    const after = m.evaluateExact(x).logitsInt;
    expect(Array.from(after)).not.toEqual(Array.from(before));
    m.initConv.weight.assign(w);
    expect(Array.from(m.evaluateExact(x).logitsInt)).toEqual(Array.from(before));
  });
  it('keeps integers in range except the unclamped residual sums', () => {
    const m = model({ bits: 4 });
    m.calibrateExact([randomInput(1, 193, 3)]);
    const outs: {
      name: string;
      lo: number;
      hi: number;
      min: number;
      max: number;
      fixedpoint: 0 | 1 | null;
    }[] = [];
    m.evaluateExact(randomInput(1, 193, 9), {
      tracer: {
        act: (t) => {
          const [lo, hi] =
            t.quantMode === 'symmetric'
              ? [-(2 ** (t.bits - 1)), 2 ** (t.bits - 1) - 1]
              : [0, 2 ** t.bits - 1];
          outs.push({
            name: t.module,
            lo,
            hi,
            min: Math.min(...t.outInt),
            max: Math.max(...t.outInt),
            fixedpoint: t.fixedpointCase,
          });
        },
      },
    });
    for (const o of outs.filter((x) => x.fixedpoint !== 1)) {
      expect(o.min, o.name).toBeGreaterThanOrEqual(o.lo);
      expect(o.max, o.name).toBeLessThanOrEqual(o.hi);
    }
    expect(outs.find((o) => o.name === 'stage1.unit1.quant_act1')!.lo).toBe(0); // 4-bit: unsigned
  });
  it('integer arithmetic agrees with HAWQ float32 arithmetic up to rare boundary flips', () => {
    const m = model();
    const x = randomInput(1, 193, 4);
    m.calibrateExact([x]);
    const f = m.evaluateExact(x);
    const i = m.evaluateExact(x, { conv: 'integer', arithmetic: 'integer' });
    const diff = f.logitsInt.map((v, k) => Math.abs(v - i.logitsInt[k]!));
    const scale = Math.max(...f.logitsInt.map(Math.abs));
    expect(Math.max(...diff)).toBeLessThanOrEqual(0.05 * scale);
  });
  it('runs bottleneck units with the stride on conv1 (v1) or conv2 (v1.5)', () => {
    for (const conv1Stride of [true, false]) {
      const m = model({ bottleneck: true, conv1Stride });
      const u = m.units.find((x) => x.spec.name === 'stage2.unit1')!;
      expect(u.quant_convbn1.geometry.stride).toEqual(conv1Stride ? [2, 2] : [1, 1]);
      expect(u.quant_convbn2.geometry.stride).toEqual(conv1Stride ? [1, 1] : [2, 2]);
      m.calibrateExact([randomInput(1, 224, 5)]);
      expect(m.evaluateExact(randomInput(1, 224, 6)).logits.shape).toEqual([1, 5]);
    }
  });
  it('honours per-tensor weights, momentum -1 and percentile ranges', () => {
    const m = model({ flags: { channelWise: false, actRangeMomentum: -1, actPercentile: 99.9 } });
    m.calibrateExact([randomInput(1, 193, 1), randomInput(1, 193, 2)]);
    m.evaluateExact(randomInput(1, 193, 3));
    expect(m.initConv.convbnScalingFactor.length).toBe(1);
    expect(m.quant_input.actRangeMomentum).toBe(-1);
    const x = randomInput(1, 193, 1);
    const max = Math.max(...x.data);
    expect(m.quant_input.xMax).toBeLessThan(max); // 99.9th percentile, below the maximum
  });
  it('reports and applies bits like quant_train.py', () => {
    const m = model();
    const report = applyBitConfig(
      m,
      new Map([
        ['stage1.unit1.quant_act', 4],
        ['stage1.unit1.quant_convbn1', 4],
        ['nope', 8],
      ]),
    );
    expect(report.unmatched).toEqual(['nope']);
    const bits = currentBits(m);
    expect(bits.get('stage1.unit1.quant_act')).toBe(4);
    expect(bits.get('stage1.unit1.quant_convbn1')).toBe(4);
    expect(m.units[0]!.quant_act.quantMode).toBe('asymmetric');
  });
  it('fixed-point mode quantizes dequantized values directly', () => {
    const m = model({ flags: { fixedPointQuantization: true } });
    m.calibrateExact([randomInput(1, 193, 1)]);
    const cases: (0 | 1 | null)[] = [];
    m.evaluateExact(randomInput(1, 193, 2), {
      tracer: { act: (t) => cases.push(t.fixedpointCase) },
    });
    expect(new Set(cases)).toEqual(new Set([null]));
  });
});
