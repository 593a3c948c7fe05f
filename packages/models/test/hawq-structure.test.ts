import { describe, expect, it } from 'vitest';
import {
  exportStateDict,
  floatStateDictOfHawq,
  hawqNameOf,
  loadHawqStateDict,
  positionalResume,
  QModelError,
  QResNet,
  qResNetFromFloatStateDict,
  qResNetFromHawqStateDict,
  specFromShapes,
} from '../src/hawq/index.js';
import { randomInput, tinyFloatStateDict, uniformConfig } from './helpers/tiny-resnet.js';

const flags = { actRangeMomentum: 0.99, fixBN: true };

function build(bottleneck: boolean, bits = 8) {
  const sd = tinyFloatStateDict({
    bottleneck,
    widths: bottleneck ? [8, 16, 16, 32] : [4, 8, 8, 16],
  });
  const spec = specFromShapes([...sd.keys()], (k) => sd.get(k)?.shape, 'pytorchcv');
  const names = new QResNet(spec).namedModules().map(([n]) => n);
  return {
    sd,
    model: qResNetFromFloatStateDict(sd, { bitConfig: uniformConfig(names, bits), flags }),
    names,
  };
}

describe('Q_ResNet structure', () => {
  it('uses HAWQ module names (R18 style)', () => {
    const { names, model } = build(false);
    expect(model.className).toBe('Q_ResNet18');
    expect(names.slice(0, 6)).toEqual([
      'quant_input',
      'quant_init_block_convbn',
      'quant_act_int32',
      'stage1.unit1.quant_act',
      'stage1.unit1.quant_convbn1',
      'stage1.unit1.quant_act1',
    ]);
    expect(names).toContain('stage2.unit1.quant_identity_convbn');
    expect(names.slice(-2)).toEqual(['quant_act_output', 'quant_output']);
  });
  it('uses HAWQ module names (R50 style, bottleneck)', () => {
    const { names, model } = build(true);
    expect(model.className).toBe('Q_ResNet50');
    expect(names[1]).toBe('quant_init_convbn');
    expect(names).toContain('stage1.unit1.quant_act2');
    expect(names).toContain('stage1.unit1.quant_convbn3');
  });
  it('maps PyTorchCV names to HAWQ names and back', () => {
    expect(hawqNameOf('features.stage2.unit1.body.conv1.bn.running_var', 'quant_init_convbn')).toBe(
      'stage2.unit1.quant_convbn1.bn.running_var',
    );
    expect(hawqNameOf('features.stage2.unit1.identity_conv.conv.weight', 'x')).toBe(
      'stage2.unit1.quant_identity_convbn.conv.weight',
    );
    expect(hawqNameOf('features.init_block.conv.conv.weight', 'quant_init_block_convbn')).toBe(
      'quant_init_block_convbn.conv.weight',
    );
    expect(hawqNameOf('output.bias', 'x')).toBe('quant_output.bias');
    const { sd, model } = build(false);
    const back = floatStateDictOfHawq(exportStateDict(model));
    expect([...back.keys()].sort()).toEqual([...sd.keys()].sort());
  });
  it('exports module.-prefixed keys in HAWQ order and reloads them exactly', () => {
    const { model, names } = build(false);
    const x = randomInput(1, 193);
    model.calibrateExact([x]);
    const first = model.evaluateExact(x);
    const sd = exportStateDict(model);
    const keys = [...sd.keys()];
    expect(keys.slice(0, 5)).toEqual([
      'module.quant_input.x_min',
      'module.quant_input.x_max',
      'module.quant_input.act_scaling_factor',
      'module.quant_input.pre_weight_scaling_factor',
      'module.quant_input.identity_weight_scaling_factor',
    ]);
    expect(keys).toContain('module.quant_init_block_convbn.bn.num_batches_tracked');
    expect(keys.slice(-5)).toEqual(
      ['weight', 'bias', 'fc_scaling_factor', 'weight_integer', 'bias_integer'].map(
        (k) => `module.quant_output.${k}`,
      ),
    );
    const again = qResNetFromHawqStateDict(sd, { bitConfig: uniformConfig(names, 8), flags });
    const second = again.evaluateExact(x);
    expect(Array.from(second.logits.data)).toEqual(Array.from(first.logits.data));
    const sd2 = exportStateDict(again);
    for (const [k, t] of sd)
      expect(Array.from(sd2.get(k)!.toFloat64()), k).toEqual(Array.from(t.toFloat64()));
  });
  it('writes a checkpoint torch can read back (saveTorch / loadTorch round trip)', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { loadTorch, saveTorch, stateDictOf } = await import('@hawq-ts/checkpoint');
    const { model, names } = build(false);
    model.calibrateExact([randomInput(1, 193, 11)]);
    const dir = mkdtempSync(join(tmpdir(), 'hawq-q-'));
    try {
      const file = join(dir, 'checkpoint.pth.tar');
      await saveTorch(file, new Map([['state_dict', exportStateDict(model)]]));
      const back = stateDictOf(await loadTorch(file));
      const again = qResNetFromHawqStateDict(back, { bitConfig: uniformConfig(names, 8), flags });
      const x = randomInput(1, 193, 12);
      expect(Array.from(again.evaluateExact(x).logitsInt)).toEqual(
        Array.from(model.evaluateExact(x).logitsInt),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('rejects keys that fit no module and shape mismatches', () => {
    const { model } = build(false);
    const sd = exportStateDict(model);
    sd.set('module.stage9.unit1.quant_act.x_min', sd.get('module.quant_input.x_min')!);
    expect(() => loadHawqStateDict(model, sd)).toThrow(QModelError);
    const bad = exportStateDict(model);
    bad.set('module.quant_output.weight', bad.get('module.quant_output.bias')!);
    expect(() => loadHawqStateDict(model, bad)).toThrow(/shape/);
  });
  it('reports bit config names that match no module', () => {
    const sd = tinyFloatStateDict();
    expect(() =>
      qResNetFromFloatStateDict(sd, { bitConfig: new Map([['stage7.unit1.quant_act', 8]]), flags }),
    ).toThrow(/match no/);
  });
  it('positional --resume: filters HAWQ keys and assigns in order, refusing misfits', () => {
    const sd = tinyFloatStateDict();
    const floatKeys = [...sd].map(([key, t]) => ({ key, shape: t.shape }));
    const renamed = new Map([...sd].map(([k, t]) => [`module.${k.replace('features.', 'f.')}`, t]));
    const out = positionalResume(renamed, floatKeys);
    expect([...out.keys()]).toEqual(
      floatKeys.map((f) => f.key).filter((k) => !k.includes('num_batches_tracked')),
    );
    const shuffled = new Map([...renamed].reverse());
    expect(() => positionalResume(shuffled, floatKeys)).toThrow(QModelError);
  });
  it("refuses inputs whose final map HAWQ's integer average cannot pool exactly", () => {
    const { model } = build(false);
    // 300 gives a 10x10 final map: (100 - 1)/100 + 0.01 truncates up, so HAWQ's pool breaks
    expect(() => model.forwardExact(randomInput(1, 300))).toThrow(/up to 288x288/);
    expect(() =>
      model.forwardExact({ shape: [1, 3, 64, 200], data: new Float32Array(3 * 64 * 200) }),
    ).toThrow(/Q_ResNet18: input 64x200/);
  });
  it('pools the whole final map: 7x7 at 193..224, 1x1 at 28, 2x2 at 64 (exact = fake-quant)', async () => {
    const tf = await import('@tensorflow/tfjs');
    const { initBackend } = await import('@hawq-ts/core');
    const { qResNetForward } = await import('../src/hawq/index.js');
    await initBackend({ backend: 'cpu', log: () => {} });
    for (const [size, map] of [
      [193, 7],
      [224, 7],
      [28, 1],
      [64, 2],
    ] as const) {
      const { model } = build(false);
      const x = randomInput(2, size, size);
      model.calibrateExact([x]);
      expect(model.finalPoolFor(x.shape).kernelSize).toBe(map);
      const exact = model.evaluateExact(x).logits.data;
      model.freeze();
      const fake = tf.tidy(() =>
        qResNetForward(
          model,
          tf.tensor4d(x.data, x.shape as [number, number, number, number]),
        ).dataSync(),
      );
      const maxAbs = Math.max(...Array.from(exact, Math.abs));
      for (let i = 0; i < exact.length; i++)
        expect(Math.abs(fake[i]! - exact[i]!), `${size}: logit ${i}`).toBeLessThanOrEqual(
          1e-4 * maxAbs,
        );
    }
  });
});
