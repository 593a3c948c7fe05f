import { parseBitConfigJson } from '@hawq-ts/core';
import { describe, expect, it } from 'vitest';
import { fullBitConfig, hawqBitDict, schemeName, solveIlp } from '../src/index.js';
import { notebookSensitivity } from './helpers.js';

describe('full bit config of an ILP decision', () => {
  it("follows bit_config.py's rule: activations take the bits of the conv they feed", async () => {
    const solution = await solveIlp(notebookSensitivity('resnet18'), [
      { kind: 'bops', ratio: 0.5 },
    ]);
    const config = fullBitConfig(solution);
    expect(config.scheme).toBe('bops_0.5');
    const dict = hawqBitDict(config);
    expect(Object.keys(dict)).toHaveLength(48);
    expect(Object.keys(dict).slice(0, 4)).toEqual([
      'quant_input',
      'quant_init_block_convbn',
      'quant_act_int32',
      'stage1.unit1.quant_act',
    ]);
    for (const [name, bits] of solution.bits) {
      expect(dict[name]).toBe(bits);
    }
    // stage1.unit2.quant_convbn2 is 4-bit in bops_0.5, so the quantizer feeding it is too.
    expect(dict['stage1.unit2.quant_convbn2']).toBe(4);
    expect(dict['stage1.unit2.quant_act1']).toBe(4);
    expect(dict['stage4.unit1.quant_act']).toBe(dict['stage4.unit1.quant_convbn1']);
    expect(dict['stage4.unit1.quant_act_int32']).toBe(16);
    expect(dict.quant_output).toBe(8);
  });

  it('is a user config core parses back unchanged (what quant-train --quant-scheme file: reads)', async () => {
    const solution = await solveIlp(notebookSensitivity('resnet50'), [
      { kind: 'bops', ratio: 0.25 },
    ]);
    const config = fullBitConfig(solution);
    const parsed = parseBitConfigJson(JSON.stringify(hawqBitDict(config)), 'config.json');
    expect([...parsed.entries]).toEqual([...config.entries]);
  });

  it('names multi-budget schemes', async () => {
    const solution = await solveIlp(notebookSensitivity('resnet50'), [
      { kind: 'size', ratio: 0.5 },
      { kind: 'latency', ratio: 0.25 },
    ]);
    expect(schemeName(solution)).toBe('modelsize_0.5+latency_0.25');
    expect(Object.keys(hawqBitDict(fullBitConfig(solution)))).toHaveLength(121);
  });
});
