import { describe, expect, it } from 'vitest';
import {
  describeArch,
  describeResNet,
  resnetSpec,
  totalMacs,
  totalParams,
  UnknownArchError,
} from '../src/arch/index.js';

// MACs / params at 224² (Inception 299²) from hawq-spec §6; R50b/R101b have the same params.
const TOTALS: Record<string, { macs: number; params: number }> = {
  resnet18: { macs: 1_814_073_344, params: 11_689_512 },
  resnet50: { macs: 3_857_973_248, params: 25_557_032 },
  resnet50b: { macs: 4_089_184_256, params: 25_557_032 },
  resnet101: { macs: 7_570_194_432, params: 44_549_160 },
  resnet101b: { macs: 7_801_405_440, params: 44_549_160 },
  inceptionv3: { macs: 5_713_216_096, params: 23_834_568 },
};

describe('describeArch', () => {
  for (const [arch, want] of Object.entries(TOTALS)) {
    it(`${arch}: MACs and PyTorchCV parameter count`, () => {
      const layers = describeArch(arch);
      expect(totalMacs(layers)).toBe(want.macs);
      expect(totalParams(layers)).toBe(want.params);
    });
  }

  it('matches the per-conv params/MACs rows of the ResNet18 table', () => {
    const byName = new Map(describeArch('resnet18').map((l) => [l.name, l]));
    const s2u1id = byName.get('stage2.unit1.quant_identity_convbn')!;
    expect([s2u1id.params, s2u1id.macs]).toEqual([8192, 6_422_528]);
    expect(s2u1id.pytorchcvName).toBe('features.stage2.unit1.identity_conv.conv');
    expect(s2u1id.inputQuantizer).toBe('stage2.unit1.quant_act');
    const s4u2c2 = byName.get('stage4.unit2.quant_convbn2')!;
    expect([s4u2c2.params, s4u2c2.macs]).toEqual([2_359_296, 115_605_504]);
    expect(s4u2c2.inputQuantizer).toBe('stage4.unit2.quant_act1');
    expect(byName.get('quant_init_block_convbn')!.inputQuantizer).toBe('quant_input');
    expect(byName.get('quant_output')!.inputQuantizer).toBe('quant_act_output');
  });

  it('puts the bottleneck stride in conv1 for v1 and in conv2 for the b variants', () => {
    const v1 = new Map(describeArch('resnet50').map((l) => [l.name, l]));
    const b = new Map(describeArch('resnet50b').map((l) => [l.name, l]));
    expect(v1.get('stage2.unit1.quant_convbn1')!.stride).toBe(2);
    expect(v1.get('stage2.unit1.quant_convbn2')!.stride).toBe(1);
    expect(b.get('stage2.unit1.quant_convbn1')!.stride).toBe(1);
    expect(b.get('stage2.unit1.quant_convbn2')!.stride).toBe(2);
    expect(v1.get('stage1.unit1.quant_convbn3')!.inputQuantizer).toBe('stage1.unit1.quant_act2');
    expect(v1.get('quant_init_convbn')!.macs).toBe(118_013_952);
    expect(v1.get('stage3.unit1.quant_identity_convbn')!.macs).toBe(102_760_448);
  });

  it('names InceptionV3 layers as Q_InceptionV3 and PyTorchCV do', () => {
    const layers = describeArch('inceptionv3');
    expect(layers.length).toBe(95);
    const names = layers.map((l) => l.name);
    expect(names).toContain('features.stage3.unit2.branches.branch2.q_conv1x3.q_convbn');
    const b4 = layers.find(
      (l) => l.name === 'features.stage1.unit1.branches.branch4.q_conv.q_convbn',
    )!;
    expect(b4.pytorchcvName).toBe('features.stage1.unit1.branches.branch4.conv.conv');
    expect(b4.inputQuantizer).toBe('features.stage1.unit1.branches.branch4.q_pool_act');
    expect(b4.outputSize).toEqual([35, 35]);
    const last = layers[layers.length - 1]!;
    expect([last.name, last.inChannels, last.inputQuantizer]).toEqual([
      'output.q_fc',
      2048,
      'features.q_concat_activ',
    ]);
  });

  it('describes narrow custom ResNets at other input sizes', () => {
    const spec = { ...resnetSpec('resnet18', 10), initChannels: 8, widths: [8, 16, 32, 64] };
    const layers = describeResNet(spec, 193);
    expect(layers[0]!.outputSize).toEqual([97, 97]);
    expect(layers[layers.length - 2]!.outputSize).toEqual([7, 7]);
    expect(layers[layers.length - 1]!.params).toBe(640);
  });

  it('honours numClasses and inputSize', () => {
    const r18 = describeArch('resnet18', { numClasses: 10, inputSize: 193 });
    expect(r18.at(-1)!.params).toBe(5120);
    expect(r18.at(-1)!.extraParams).toBe(10);
    expect(r18[0]!.outputSize).toEqual([97, 97]);
    const inc = describeArch('inceptionv3', { inputSize: 320 });
    expect(inc[0]!.outputSize).toEqual([159, 159]);
  });

  it('rejects unknown names with the list of known ones', () => {
    expect(() => describeArch('resnet34')).toThrow(UnknownArchError);
    expect(() => describeArch('resnet34')).toThrow(/resnet18, resnet50/);
  });
});
