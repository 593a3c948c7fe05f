// What `pnpm bench deploy-fashion` times: one model per distinct config of the results folder,
// built with the file's structure and exact per-module bits.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getBitConfig } from '@hawq-ts/core/config';
import { integerModelFromHawq, syntheticHawqResNet } from '@hawq-ts/deploy';
import { afterAll, describe, expect, it } from 'vitest';
import { FashionConfigError, fashionConfigs, syntheticSpecOf } from '../src/deploy-fashion.js';

const NARROW = { init: 16, stages: [16, 32, 64, 128] };
const MIXED = Object.fromEntries(
  [...getBitConfig('resnet18', 'uniform8').entries].map(([k, b]) => [
    k,
    k.startsWith('stage3.') && !k.endsWith('int32') ? 4 : b,
  ]),
);
const result = (scheme: string, extra: Record<string, unknown> = {}) => ({
  model: 'resnet18',
  arch: 'resnet18',
  dataset: '/tmp/fashion-mnist/val',
  count: 100,
  top1: 80,
  scheme,
  inputSize: 28,
  numClasses: 10,
  channels: NARROW,
  ...extra,
});

describe('deploy-fashion configs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hawq-bench-df-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, value: unknown) =>
    writeFileSync(join(dir, name), JSON.stringify(value));

  it('one config per distinct model, a float reference added, other JSON skipped', () => {
    write('a.json', result('uniform8', { label: 'W8A8' }));
    write('b.json', result('uniform8'));
    write('c.json', result('file:/x/ilp.json', { bitConfig: MIXED, label: 'ILP' }));
    write('notes.json', { hello: 1 });
    const logs: string[] = [];
    const configs = fashionConfigs(dir, (l) => logs.push(l));
    expect(configs.map((c) => [c.label, c.sources.length])).toEqual([
      ['W8A8', 2],
      ['ILP', 1],
      ['float reference', 0],
    ]);
    expect(configs[1]!.identity.bits).toEqual(MIXED);
    expect(configs[2]!.identity).toMatchObject({ bits: null, inputSize: 28, channels: NARROW });
    expect(logs).toEqual([`skipped ${join(dir, 'notes.json')}: not an evaluation results file`]);
  });

  it('builds the synthetic checkpoint with the file’s widths and bits', () => {
    const ilp = fashionConfigs(dir)[1]!;
    const syn = syntheticHawqResNet(syntheticSpecOf(ilp.identity, 1));
    const model = integerModelFromHawq(syn.stateDict, { arch: 'resnet18' });
    expect(syn.inputShape).toEqual([1, 3, 28, 28]);
    expect(model.numClasses).toBe(10);
    for (const op of model.ops) {
      if (op.kind === 'conv' && op.name.startsWith('stage'))
        expect([op.name, op.weightBits]).toEqual([op.name, MIXED[op.name]]);
    }
    expect(syn.stateDict.get('module.stage4.unit2.quant_convbn2.weight_integer')?.shape).toEqual([
      128, 128, 3, 3,
    ]);
  });

  it('a file: scheme without its bitConfig is an error naming the file', () => {
    write('d.json', result('file:/x/other.json'));
    expect(() => fashionConfigs(dir)).toThrow(FashionConfigError);
    expect(() => fashionConfigs(dir)).toThrow(`${join(dir, 'd.json')}: the results file names`);
    expect(() => fashionConfigs(join(dir, 'missing'))).toThrow(
      /--results-dir .*missing: cannot list/,
    );
  });
});
