import { describe, expect, it } from 'vitest';
import {
  bodyConvNames,
  buildProblem,
  LayerMismatchError,
  parseSensitivity,
  parseSensitivityJson,
  type SensitivityFile,
  SensitivityFormatError,
  UnknownArchError,
} from '../src/index.js';
import { notebookSensitivity } from './helpers.js';

/** A per-layer file as `pnpm bits hessian` writes it, for resnet18. */
function resnet18File(): SensitivityFile {
  return {
    arch: 'resnet18',
    layers: bodyConvNames('resnet18').map((name, i) => ({
      name,
      trace: 0.01 * (i + 1),
      delta4: 5,
      delta8: 0.02,
      params: 36864 * (i + 1),
      macs: 115605504,
    })),
  };
}

describe("HAWQ's notebook data (ilp-data.json)", () => {
  it('maps short names to HAWQ module names and keeps the input names', () => {
    const s = notebookSensitivity('resnet18');
    expect(s.layers).toHaveLength(19);
    expect(s.layers[6]).toMatchObject({
      name: 'stage2.unit1.quant_identity_convbn',
      inputName: 'stage2.unit1.id',
    });
    expect(s.layers[0]!.name).toBe('stage1.unit1.quant_convbn1');
  });

  it('turns the per-model parameter units back into counts (R18: 2^20, R50: 1e6) and MACs', () => {
    const r18 = notebookSensitivity('resnet18');
    const r50 = notebookSensitivity('resnet50');
    expect(r18.layers[0]).toMatchObject({ params: 36864, macs: 115605504 });
    expect(r18.layers.find((l) => l.inputName === 'stage4.unit2.c2')!.params).toBe(2359296);
    expect(r50.layers[0]).toMatchObject({ params: 4096, macs: 12845056 });
    expect(r50.layers.find((l) => l.inputName === 'stage4.unit1.id')!.params).toBe(2097152);
  });

  it('has 16 tie groups for R18 and 48 for R50 (identity conv = conv1)', () => {
    expect(buildProblem(notebookSensitivity('resnet18'), []).groups).toHaveLength(16);
    expect(buildProblem(notebookSensitivity('resnet50'), []).groups).toHaveLength(48);
  });

  it('needs the arch when the file holds several models, and names the ones it has', () => {
    const doc = { models: { resnet18: {}, resnet50: {} } };
    expect(() => parseSensitivity(doc, 'ilp-data.json')).toThrow(
      /ilp-data.json holds the models resnet18, resnet50: choose one with --arch/,
    );
    expect(() => parseSensitivity(doc, 'ilp-data.json', 'resnet101')).toThrow(
      /has no model 'resnet101'; it has resnet18, resnet50/,
    );
  });

  it('rejects columns of the wrong length and unit strings it cannot read', () => {
    const model = {
      layers: ['stage1.unit1.c1'],
      Hutchinson_trace: [1, 2],
      delta_weights_8bit_square: [0],
      delta_weights_4bit_square: [1],
      parameters: [1],
      bops: [1],
      units: { parameters: 'count / 2^20', bops: 'MACs / 1e6' },
    };
    expect(() => parseSensitivity({ models: { resnet18: model } }, 'f.json', 'resnet18')).toThrow(
      /f.json: models.resnet18.Hutchinson_trace has 2 values for 1 layers/,
    );
    const badUnits = {
      ...model,
      Hutchinson_trace: [1],
      units: { parameters: 'millions', bops: 'x' },
    };
    expect(() => parseSensitivity({ models: { resnet18: badUnits } }, 'f.json')).toThrow(
      /units.parameters 'millions'/,
    );
  });
});

describe('the per-layer sensitivity format', () => {
  it('accepts HAWQ names and short aliases alike', () => {
    const file = resnet18File();
    file.layers[4]!.name = 'stage2.unit1.c1';
    const s = parseSensitivity(file, 'sens.json');
    expect(s.layers[4]).toMatchObject({
      name: 'stage2.unit1.quant_convbn1',
      inputName: 'stage2.unit1.c1',
    });
  });

  it('derives the identity-conv ties from the names and accepts explicit ones', () => {
    const file = resnet18File();
    file.ties = [['stage1.unit1.quant_convbn1', 'stage1.unit1.c2']];
    const problem = buildProblem(parseSensitivity(file, 'sens.json'), []);
    const tied = problem.groups.filter((g) => g.layers.length > 1).map((g) => g.layers.length);
    expect(tied).toEqual([2, 2, 2, 2]); // three identity ties + the explicit one
  });

  it('names unknown and missing layers', () => {
    const extra = resnet18File();
    extra.layers.push({ ...extra.layers[0]!, name: 'stage5.unit1.quant_convbn1' });
    expect(() => parseSensitivity(extra, 'sens.json')).toThrow(LayerMismatchError);
    expect(() => parseSensitivity(extra, 'sens.json')).toThrow(
      /sens.json: stage5.unit1.quant_convbn1 is not a body conv of resnet18/,
    );
    const missing = resnet18File();
    missing.layers.splice(2, 1);
    expect(() => parseSensitivity(missing, 'sens.json')).toThrow(
      /no data for the resnet18 layer\(s\) stage1.unit2.quant_convbn1/,
    );
    const twice = resnet18File();
    twice.layers[1]!.name = 'stage1.unit1.c1';
    expect(() => parseSensitivity(twice, 'sens.json')).toThrow(/stage1.unit1.c1 appears twice/);
  });

  it('rejects an arch it has no layers for, or one different from --arch', () => {
    const file = { ...resnet18File(), arch: 'vgg16' };
    expect(() => parseSensitivity(file, 'sens.json')).toThrow(UnknownArchError);
    expect(() => parseSensitivity(resnet18File(), 'sens.json', 'resnet50')).toThrow(
      /sens.json is for resnet18, not for the requested arch resnet50/,
    );
  });

  it('reports the first schema problem with its path, and bad JSON with the file name', () => {
    const file = resnet18File() as unknown as { layers: Record<string, unknown>[] };
    file.layers[3]!.delta4 = 'big';
    expect(() => parseSensitivity(file, 'sens.json')).toThrow(SensitivityFormatError);
    expect(() => parseSensitivity(file, 'sens.json')).toThrow(/sens.json: layers.3.delta4:/);
    expect(() => parseSensitivityJson('{"arch":', 'sens.json')).toThrow(
      /sens.json is not valid JSON/,
    );
  });

  it('lists the body convs of every ResNet HAWQ quantizes', () => {
    expect(bodyConvNames('resnet18')).toHaveLength(19);
    expect(bodyConvNames('resnet50')).toHaveLength(52);
    expect(bodyConvNames('resnet101')).toHaveLength(3 * 33 + 4);
    expect(() => bodyConvNames('inceptionv3')).toThrow(/unknown arch 'inceptionv3' for the ILP/);
  });
});
