import { describe, expect, it } from 'vitest';
import { BudgetSyntaxError, layerCost, parseBudget } from '../src/index.js';

describe('parseBudget', () => {
  it('reads KIND=R', () => {
    expect(parseBudget('bops=0.5')).toEqual({ kind: 'bops', ratio: 0.5 });
    expect(parseBudget('size=1')).toEqual({ kind: 'size', ratio: 1 });
    expect(parseBudget('latency=0')).toEqual({ kind: 'latency', ratio: 0 });
  });

  it.each([
    ['foo=1', /unknown kind 'foo'/],
    ['bops', /is not KIND=R/],
    ['bops=half', /ratio 'half' is not a number/],
    ['size=1.5', /ratio 1.5 is outside \[0, 1\]/],
    ['size=-0.1', /outside \[0, 1\]/],
  ])('rejects %s', (text, message) => {
    expect(() => parseBudget(text)).toThrow(BudgetSyntaxError);
    expect(() => parseBudget(text)).toThrow(message);
  });
});

describe('layer costs (hawq-spec §6)', () => {
  const layer = { name: 'x', trace: 1, delta4: 1, delta8: 0, params: 2 ** 20, macs: 1e9 };
  it('size is weights × bits / 8 in MiB, BOPS are MACs × b_w × b_a', () => {
    expect(layerCost(layer, 'size', 4)).toBe(0.5);
    expect(layerCost(layer, 'size', 8)).toBe(1);
    expect(layerCost(layer, 'bops', 4)).toBe(16);
    expect(layerCost(layer, 'bops', 8)).toBe(64);
  });
  it('latency needs measurements', () => {
    expect(() => layerCost(layer, 'latency', 4)).toThrow(/layer x has no latencyInt4/);
    expect(layerCost({ ...layer, latencyInt4: 0.2, latencyInt8: 0.3 }, 'latency', 8)).toBe(0.3);
  });
});
