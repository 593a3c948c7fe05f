import { describe, expect, test } from 'vitest';
import { findModelByFileId, isBaseline, ZOO_MODELS } from '../src/index.js';

describe('registry', () => {
  test('holds the 27 published models with unique names and Drive ids', () => {
    expect(ZOO_MODELS).toHaveLength(27);
    expect(new Set(ZOO_MODELS.map((m) => m.name)).size).toBe(27);
    expect(new Set(ZOO_MODELS.map((m) => m.fileId)).size).toBe(27);
    for (const m of ZOO_MODELS) expect(m.fileId).toMatch(/^1[A-Za-z0-9_-]{32}$/);
  });

  test('carries the README row values verbatim', () => {
    const m = ZOO_MODELS.find((x) => x.name === 'resnet18_bops0.5')!;
    expect(m).toEqual({
      name: 'resnet18_bops0.5',
      fileId: '1DbDXYdulvvb9YOG1fRSrCVPvry_Reu8z',
      arch: 'resnet18',
      scheme: 'Mixed Precision Medium BOPS',
      bitConfig: 'bops_0.5',
      sizeMB: 6.7,
      gbops: 72,
      speedUp: 3.63,
      top1: 70.22,
    });
    const r50 = ZOO_MODELS.find((x) => x.name === 'resnet50_size0.25')!;
    expect([r50.bitConfig, r50.sizeMB, r50.gbops, r50.speedUp, r50.top1]).toEqual([
      'modelsize_0.25',
      16.0,
      168,
      3.66,
      74.89,
    ]);
  });

  test('baselines have no bit config; the three big ones no speed-up', () => {
    const baselines = ZOO_MODELS.filter(isBaseline).map((m) => m.name);
    expect(baselines).toEqual([
      'resnet18_baseline',
      'resnet50_baseline',
      'resnet101_baseline',
      'resnet101b_baseline',
      'inceptionv3_baseline',
    ]);
    expect(ZOO_MODELS.filter((m) => m.speedUp === null).map((m) => m.name)).toEqual(
      baselines.slice(2),
    );
    expect(findModelByFileId('1GPBBpi3wAko4wHWt8ZBOJj7RALW1_K1p')?.arch).toBe('resnet101b');
  });
});
