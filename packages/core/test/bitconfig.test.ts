import { describe, expect, it } from 'vitest';
import {
  BitConfigError,
  bitConfigFromConvBits,
  bitConfigToJson,
  getBitConfig,
  listBitConfigs,
  normalizeScheme,
  parseBitConfigJson,
  UnknownBitConfigError,
} from '../src/bitconfig/index.js';

const COUNTS: Record<string, number> = {
  resnet18: 48,
  resnet50: 121,
  resnet50b: 121,
  resnet101: 240,
  inceptionv3: 257,
};

describe('bit_config.py schemes', () => {
  it('lists the 28 ResNet/InceptionV3 schemes with bit_config.py keys', () => {
    const all = listBitConfigs();
    expect(all).toHaveLength(28);
    expect(all.filter((c) => c.arch === 'resnet18')).toHaveLength(11);
    expect(all.filter((c) => c.arch === 'resnet50')).toHaveLength(11);
    expect(all.map((c) => c.key)).toContain('bit_config_resnet50_modelsize_0.25');
  });

  for (const { arch, scheme } of listBitConfigs()) {
    it(`${arch} ${scheme}: entry count and the generator rules`, () => {
      const cfg = getBitConfig(arch, scheme);
      expect(cfg.entries.size).toBe(COUNTS[arch]);
      if (arch === 'inceptionv3') return;
      const names = [...cfg.entries.keys()];
      names.forEach((name, i) => {
        const bits = cfg.entries.get(name)!;
        if (name.endsWith('quant_act_int32')) expect(bits).toBe(16);
        // An activation quantizer has the bits of the conv that follows it in the dict.
        const act = /^(stage\d+\.unit\d+\.)quant_act(\d?)$/.exec(name);
        if (act) {
          const conv = `${act[1]}quant_convbn${Number(act[2] || 0) + 1}`;
          expect(names[i + 1]).toBe(conv);
          expect(bits).toBe(cfg.entries.get(conv));
        }
        const id = /^(stage\d+\.unit\d+\.)quant_identity_convbn$/.exec(name);
        if (id) expect(bits).toBe(cfg.entries.get(`${id[1]}quant_convbn1`));
        if (!name.endsWith('quant_act_int32')) expect([4, 8]).toContain(bits);
      });
      expect(names.slice(0, 3)).toEqual([
        'quant_input',
        arch === 'resnet18' ? 'quant_init_block_convbn' : 'quant_init_convbn',
        'quant_act_int32',
      ]);
      expect(names.slice(-2)).toEqual(['quant_act_output', 'quant_output']);
      for (const fixed of [names[0]!, names[1]!, ...names.slice(-2)]) {
        expect(cfg.entries.get(fixed)).toBe(8);
      }
      expect(cfg.hooks.size).toBe(0);
    });
  }

  it('reproduces bit_config.py spot checks', () => {
    const r18 = getBitConfig('resnet18', 'modelsize_0.75');
    expect(r18.entries.get('stage3.unit2.quant_act1')).toBe(4);
    expect(r18.entries.get('stage3.unit2.quant_convbn2')).toBe(4);
    expect(r18.entries.get('stage3.unit2.quant_convbn1')).toBe(8);
    expect(r18.entries.get('stage4.unit2.quant_act1')).toBe(4);
    const b25 = getBitConfig('resnet18', 'bops_0.25');
    expect(b25.entries.get('stage2.unit1.quant_act1')).toBe(4);
    expect(b25.entries.get('stage2.unit1.quant_identity_convbn')).toBe(8);
    expect(b25.entries.get('stage2.unit2.quant_act')).toBe(4);
    // R50 modelsize_0.25: stage3.unit6.quant_convbn1 is 4 in the released config (hawq-spec §6).
    const s25 = getBitConfig('resnet50', 'modelsize_0.25');
    expect(s25.entries.get('stage3.unit6.quant_convbn1')).toBe(4);
    expect(s25.entries.get('stage4.unit1.quant_identity_convbn')).toBe(4);
    expect([...getBitConfig('resnet50', 'uniform4').entries.keys()].slice(3, 11)).toEqual([
      'stage1.unit1.quant_act',
      'stage1.unit1.quant_convbn1',
      'stage1.unit1.quant_act1',
      'stage1.unit1.quant_convbn2',
      'stage1.unit1.quant_act2',
      'stage1.unit1.quant_convbn3',
      'stage1.unit1.quant_identity_convbn',
      'stage1.unit1.quant_act_int32',
    ]);
  });

  // Conv bits (convbn1, convbn2, [convbn3], [identity] per unit) transcribed from bit_config.py
  // itself, independently of the hawq-spec table the generator's data came from.
  it.each([
    ['resnet18', 'bops_0.5', '88 84 888 84 888 44 444 44'],
    [
      'resnet50',
      'bops_0.25',
      '8488 448 844 8488 444 444 844 8488 444 444 444 444 444 8488 844 844',
    ],
    [
      'resnet50',
      'latency_0.5',
      '8888 888 844 8488 888 848 848 8488 444 844 844 844 844 8488 848 848',
    ],
  ])('%s %s equals bit_config.py', (arch, scheme, digits) => {
    const cfg = getBitConfig(arch, scheme);
    const convs = [...cfg.entries]
      .filter(([n]) => /\.quant_(convbn\d|identity_convbn)$/.test(n))
      .map(([, b]) => String(b))
      .join('');
    expect(convs).toBe(digits.replaceAll(' ', ''));
  });

  it('keeps the identical R18 bops/latency pairs identical', () => {
    for (const r of ['0.75', '0.25']) {
      const a = getBitConfig('resnet18', `bops_${r}`).entries;
      const b = getBitConfig('resnet18', `latency_${r}`).entries;
      expect([...a]).toEqual([...b]);
    }
    expect([...getBitConfig('resnet18', 'bops_0.5').entries]).not.toEqual([
      ...getBitConfig('resnet18', 'latency_0.5').entries,
    ]);
  });

  it('builds InceptionV3 with HAWQ names, fixed 8/16-bit entries and hooks', () => {
    for (const [scheme, b] of [
      ['uniform8', 8],
      ['uniform4', 4],
    ] as const) {
      const cfg = getBitConfig('inceptionv3', scheme);
      const names = [...cfg.entries.keys()];
      expect(names[0]).toBe('features.q_init_block.q_input_activ');
      expect(names[1]).toBe('features.q_init_block.q_conv1.q_convbn');
      expect(names.slice(-2)).toEqual(['features.q_concat_activ', 'output.q_fc']);
      const values = [...cfg.entries.values()];
      expect(values.filter((v) => v === 16)).toHaveLength(71);
      expect(values.filter((v) => v === 8)).toHaveLength(b === 8 ? 257 - 71 : 4);
      expect(cfg.entries.get('features.q_init_block.q_conv1.q_activ')).toBe(b);
      expect(
        cfg.entries.get('features.stage2.unit3.branches.branch3.q_conv_list.q_conv4.q_activ'),
      ).toBe(b);
      expect(
        cfg.entries.get('features.stage2.unit3.branches.branch3.q_conv_list.q_conv5.q_activ'),
      ).toBe(16);
      expect(cfg.entries.get('features.stage3.unit2.branches.branch2.q_conv1x3.q_convbn')).toBe(b);
      expect(cfg.entries.get('features.stage3.unit2.branches.branch2.q_rescaling_activ')).toBe(16);
      expect(cfg.entries.get('features.stage1.unit1.q_rescaling_activ')).toBe(16);
      expect(cfg.entries.get('features.stage3.unit1.branches.branch3.q_input_act')).toBe(16);
      // bit_config.py order of an avg-pool branch.
      const i = names.indexOf('features.stage1.unit1.branches.branch4.q_input_act');
      expect(names.slice(i + 1, i + 4)).toEqual([
        'features.stage1.unit1.branches.branch4.q_conv.q_convbn',
        'features.stage1.unit1.branches.branch4.q_pool_act',
        'features.stage1.unit1.branches.branch4.q_conv.q_activ',
      ]);
    }
    expect([...getBitConfig('inceptionv3', 'uniform8').hooks]).toEqual([
      'features.stage1.unit2.branches.branch1.q_input_act',
    ]);
    expect([...getBitConfig('inceptionv3', 'uniform4').hooks]).toEqual([
      'features.q_init_block.q_input_activ',
    ]);
  });
});

describe('scheme names', () => {
  it('accepts bit-config keys and zoo spellings', () => {
    expect(normalizeScheme('bops0.5')).toBe('bops_0.5');
    expect(normalizeScheme('size0.25')).toBe('modelsize_0.25');
    expect(normalizeScheme('latency_0.75')).toBe('latency_0.75');
    expect(getBitConfig('resnet50', 'size0.5')).toBe(getBitConfig('resnet50', 'modelsize_0.5'));
    expect(getBitConfig('resnet18', 'bops0.5').scheme).toBe('bops_0.5');
  });

  it('throws UnknownBitConfigError with the nearest names', () => {
    expect(() => getBitConfig('resnet101', 'bops_0.5')).toThrow(UnknownBitConfigError);
    try {
      getBitConfig('resnet18', 'bops_0.6');
    } catch (err) {
      expect((err as UnknownBitConfigError).suggestions[0]).toMatch(/^resnet18\/bops_0\.[57]5?$/);
      expect((err as Error).message).toMatch(/nearest: resnet18\//);
    }
    expect(() => getBitConfig('mobilenetv2_w1', 'uniform8')).toThrow(/nearest/);
  });
});

describe('bitConfigFromConvBits', () => {
  it('derives quantizer bits from conv bits; identity defaults to conv1', () => {
    const bits = new Map<string, number>();
    for (const s of [1, 2, 3, 4]) {
      for (const u of [1, 2]) {
        bits.set(`stage${s}.unit${u}.quant_convbn1`, s === 4 ? 4 : 8);
        bits.set(`stage${s}.unit${u}.quant_convbn2`, u === 2 ? 4 : 8);
      }
    }
    const cfg = bitConfigFromConvBits('resnet18', bits);
    expect(cfg.entries.size).toBe(48);
    expect(cfg.entries.get('stage4.unit1.quant_identity_convbn')).toBe(4);
    expect(cfg.entries.get('stage2.unit2.quant_act1')).toBe(4);
    expect(cfg.entries.get('stage4.unit1.quant_act')).toBe(4);
  });

  it('rejects unknown and missing convs', () => {
    expect(() =>
      bitConfigFromConvBits('resnet18', new Map([['stage5.unit1.quant_convbn1', 8]])),
    ).toThrow(/not a body conv of resnet18/);
    expect(() => bitConfigFromConvBits('resnet18', new Map())).toThrow(
      /no bits for 'stage1.unit1.quant_convbn1'/,
    );
    expect(() => bitConfigFromConvBits('inceptionv3', new Map())).toThrow(BitConfigError);
  });
});

describe('parseBitConfigJson', () => {
  it('round-trips a generated config, hooks included', () => {
    const cfg = getBitConfig('inceptionv3', 'uniform4');
    const back = parseBitConfigJson(bitConfigToJson(cfg), 'x.json');
    expect([...back.entries]).toEqual([...cfg.entries]);
    expect([...back.hooks]).toEqual([...cfg.hooks]);
    expect([back.arch, back.scheme]).toEqual(['inceptionv3', 'uniform4']);
  });

  it('reads HAWQ-style flat dicts', () => {
    const cfg = parseBitConfigJson(
      '{"quant_input": [8, "hook"], "stage1.unit1.quant_act": 4}',
      'my.json',
    );
    expect([...cfg.entries]).toEqual([
      ['quant_input', 8],
      ['stage1.unit1.quant_act', 4],
    ]);
    expect(cfg.hooks.has('quant_input')).toBe(true);
    expect(cfg.scheme).toBe('my.json');
  });

  it.each([
    ['{', /my\.json: not valid JSON/],
    ['[1]', /my\.json: expected a JSON object/],
    ['{}', /my\.json: the bit config has no entries/],
    ['{"a": 3.5}', /my\.json: key 'a': bits must be an integer in 2\.\.16 or 32, got 3\.5/],
    ['{"a": 64}', /key 'a': bits must be/],
    ['{"a": "8"}', /key 'a': bits must be/],
    ['{"a": [8, "x"]}', /key 'a': a list must be \[bits, "hook"\]/],
    ['{"module.a": 8}', /without the DataParallel 'module\.' prefix/],
    ['{"entries": 5}', /'entries' must be an object/],
  ])('rejects %s', (text, message) => {
    expect(() => parseBitConfigJson(text, 'my.json')).toThrow(message);
  });
});
