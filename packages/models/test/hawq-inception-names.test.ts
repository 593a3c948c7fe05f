// Full-size Q_InceptionV3 structure: HAWQ's module names against bit_config.py's 257 entries,
// state_dict keys, and the float PyTorchCV name mapping (no forward: 299x299 at full width is
// too heavy for CI on two shared cores; the forward tests use the narrowed network).
import { describeArch, getBitConfig, QuantAct, QuantBnConv2d } from '@hawq-ts/core';
import { describe, expect, it } from 'vitest';
import {
  applyBitConfig,
  currentBits,
  exportStateDict,
  inceptionFloatShapes,
  inceptionHawqNameOf,
  inceptionSpec,
  inceptionSpecFromShapes,
  QInceptionV3,
  QModelError,
  qInceptionV3FromFloatStateDict,
  randomInceptionFloatStateDict,
} from '../src/hawq/index.js';
import { createPytorchcvModel } from '../src/pytorchcv/index.js';

const uniform8 = getBitConfig('inceptionv3', 'uniform8');
const uniform4 = getBitConfig('inceptionv3', 'uniform4');
const full = new QInceptionV3(inceptionSpec());
const names = full.namedModules().map(([n]) => n);

describe('Q_InceptionV3 names (full size)', () => {
  it('has exactly the 257 modules of bit_config.py, each once', () => {
    expect(uniform8.entries.size).toBe(257);
    expect(names.length).toBe(257);
    expect(new Set(names).size).toBe(257);
    expect([...names].sort()).toEqual([...uniform8.entries.keys()].sort());
    // the only modules without an entry are HAWQ's stateless pools and dropout
    expect(full.statelessModuleNames()).toEqual(
      expect.arrayContaining([
        'features.q_init_block.q_pool1',
        'features.q_init_block.q_pool2',
        'features.stage1.unit1.branches.branch4.q_pool',
        'features.stage2.unit1.branches.branch3.q_pool',
        'features.q_final_pool',
        'output.q_dropout',
      ]),
    );
    expect(full.statelessModuleNames().length).toBe(2 + 9 + 2 + 2);
  });

  it('registers modules in HAWQ order', () => {
    expect(names.slice(0, 5)).toEqual([
      'features.q_init_block.q_input_activ',
      'features.q_init_block.q_conv1.q_convbn',
      'features.q_init_block.q_conv1.q_activ',
      'features.q_init_block.q_conv2.q_convbn',
      'features.q_init_block.q_conv2.q_activ',
    ]);
    const b4 = 'features.stage1.unit1.branches.branch4';
    const i = names.indexOf(`${b4}.q_input_act`);
    expect(names.slice(i, i + 4)).toEqual([
      `${b4}.q_input_act`,
      `${b4}.q_pool_act`,
      `${b4}.q_conv.q_convbn`,
      `${b4}.q_conv.q_activ`,
    ]);
    const c2 = 'features.stage3.unit2.branches.branch3';
    const j = names.indexOf(`${c2}.q_conv1x3.q_convbn`);
    expect(names.slice(j - 2, j + 5)).toEqual([
      `${c2}.q_conv_list.q_conv2.q_convbn`,
      `${c2}.q_conv_list.q_conv2.q_activ`,
      `${c2}.q_conv1x3.q_convbn`,
      `${c2}.q_conv1x3.q_activ`,
      `${c2}.q_conv3x1.q_convbn`,
      `${c2}.q_conv3x1.q_activ`,
      `${c2}.q_rescaling_activ`,
    ]);
    expect(names.slice(-3)).toEqual([
      'features.stage3.unit3.q_rescaling_activ',
      'features.q_concat_activ',
      'output.q_fc',
    ]);
  });

  it('applies uniform8 and uniform4 (4-bit activations unsigned, fixed 8/16-bit layers kept)', () => {
    const m = new QInceptionV3(inceptionSpec({ divisor: 16 }));
    for (const cfg of [uniform8, uniform4]) {
      const report = applyBitConfig(m, cfg.entries, { fixBN: true });
      expect(report.unmatched).toEqual([]);
      expect(report.unconfigured).toEqual([]);
      expect(currentBits(m)).toEqual(new Map(names.map((n) => [n, cfg.entries.get(n)])));
    }
    const act = (n: string) => m.module(n) as QuantAct;
    expect(act('features.stage1.unit1.branches.branch1.q_input_act').quantMode).toBe('asymmetric');
    expect(act('features.stage1.unit1.q_rescaling_activ').activationBit).toBe(16);
    expect(act('features.stage1.unit1.q_rescaling_activ').quantMode).toBe('symmetric');
    expect((m.module('features.q_init_block.q_conv1.q_convbn') as QuantBnConv2d).q.weightBit).toBe(
      8,
    );
    // the (8, 'hook') entries are plain 8-bit quantizers here (HAWQ's hook is undefined)
    for (const h of uniform4.hooks) expect(act(h).activationBit).toBe(8);
  });

  it('exports HAWQ state_dict keys', () => {
    const sd = exportStateDict(full);
    const acts = full.activationQuantizers().length;
    const convs = full.namedModules().filter(([, mod]) => mod instanceof QuantBnConv2d).length;
    expect(convs).toBe(94);
    expect(sd.size).toBe(acts * 5 + convs * 9 + 5);
    expect([...sd.keys()].slice(0, 6)).toEqual([
      'module.features.q_init_block.q_input_activ.x_min',
      'module.features.q_init_block.q_input_activ.x_max',
      'module.features.q_init_block.q_input_activ.act_scaling_factor',
      'module.features.q_init_block.q_input_activ.pre_weight_scaling_factor',
      'module.features.q_init_block.q_input_activ.identity_weight_scaling_factor',
      'module.features.q_init_block.q_conv1.q_convbn.convbn_scaling_factor',
    ]);
    expect(sd.get('module.output.q_fc.fc_scaling_factor')?.shape).toEqual([1000]);
    expect(
      sd.get(
        'module.features.stage2.unit2.branches.branch3.q_conv_list.q_conv2.q_convbn.conv.weight',
      )?.shape,
    ).toEqual([128, 128, 7, 1]);
  });

  it('maps every PyTorchCV float key and reads the widths back', () => {
    const float = createPytorchcvModel('inceptionv3');
    try {
      const sd = float.stateDict();
      const expected = inceptionFloatShapes(inceptionSpec());
      expect([...sd].map(([k, t]) => [k, [...t.shape]])).toEqual(expected);
      const hawqKeys = new Set(exportStateDict(full, '').keys());
      for (const k of sd.keys()) expect(hawqKeys.has(inceptionHawqNameOf(k)!)).toBe(true);
      expect(
        inceptionHawqNameOf('features.stage3.unit2.branches.branch2.conv3x1.bn.running_var'),
      ).toBe('features.stage3.unit2.branches.branch2.q_conv3x1.q_convbn.bn.running_var');
      expect(inceptionHawqNameOf('features.stage1.unit1.branches.branch4.conv.conv.weight')).toBe(
        'features.stage1.unit1.branches.branch4.q_conv.q_convbn.conv.weight',
      );
      expect(inceptionSpecFromShapes([...sd.keys()], (k) => sd.get(k)?.shape, 'pytorchcv')).toEqual(
        inceptionSpec(),
      );
    } finally {
      float.dispose();
    }
  });

  it('matches the accounting description (names, shapes, input quantizers)', () => {
    const layers = describeArch('inceptionv3');
    expect(layers.length).toBe(95);
    for (const l of layers) {
      const m = full.module(l.name);
      if (m instanceof QuantBnConv2d) {
        expect(m.weightShape).toEqual([l.outChannels, l.inChannels, ...l.kernel]);
        expect(m.geometry.stride).toEqual([l.stride, l.stride]);
        expect(m.geometry.padding).toEqual(l.padding);
      }
      expect(full.module(l.inputQuantizer)).toBeInstanceOf(QuantAct);
    }
  });

  it('refuses incomplete state_dicts and configs naming modules it lacks', () => {
    const spec = inceptionSpec({ divisor: 16, numClasses: 3 });
    const shapes = new Map(inceptionFloatShapes(spec));
    const without = (key: string) => (k: string) => (k === key ? undefined : shapes.get(k));
    expect(() =>
      inceptionSpecFromShapes(
        [...shapes.keys()],
        without('features.init_block.conv1.conv.weight'),
        'pytorchcv',
      ),
    ).toThrow(/missing key features\.init_block\.conv1\.conv\.weight/);
    expect(() =>
      inceptionSpecFromShapes(
        [...shapes.keys()],
        without('features.stage3.unit3.branches.branch3.conv_list.conv2.conv.weight'),
        'pytorchcv',
      ),
    ).toThrow(QModelError);
    const sd = randomInceptionFloatStateDict(spec);
    const bitConfig = new Map(uniform8.entries).set('features.stage9.unit1.q_rescaling_activ', 8);
    expect(() => qInceptionV3FromFloatStateDict(sd, { bitConfig })).toThrow(
      /1 name\(s\) match no Q_InceptionV3 module, e\.g\. features\.stage9/,
    );
    sd.delete('features.stage2.unit3.branches.branch1.conv.bn.running_var');
    expect(() => qInceptionV3FromFloatStateDict(sd, { bitConfig: uniform8.entries })).toThrow(
      /float key\(s\) missing, e\.g\. features\.stage2\.unit3\.branches\.branch1\.conv\.bn\.running_var/,
    );
  });
});
