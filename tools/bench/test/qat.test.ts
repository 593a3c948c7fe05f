// The pure helpers behind `pnpm bench qat`: configuration parsing and step statistics.
import { describe, expect, it } from 'vitest';
import { median, parseConfigs, summarise, uniformBits } from '../src/qat.js';

describe('bench qat helpers', () => {
  it('parses SIZExBATCH configs, 1000 classes at ImageNet sizes and 10 below', () => {
    expect(parseConfigs('224x8, 28x128')).toEqual([
      { size: 224, batch: 8, classes: 1000 },
      { size: 28, batch: 128, classes: 10 },
    ]);
    expect(parseConfigs('193x2')[0]?.classes).toBe(1000);
    expect(() => parseConfigs('224')).toThrow(/--configs: '224' is not SIZExBATCH/);
    expect(() => parseConfigs('0x8')).toThrow(/positive size and batch/);
  });
  it('takes the median of odd and even counts without reordering its input', () => {
    const xs = [5, 1, 3];
    expect(median(xs)).toBe(3);
    expect(xs).toEqual([5, 1, 3]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow(/no values/);
  });
  it('turns per-step wall and CPU times into images per second', () => {
    expect(summarise(8, [2000, 4000, 1000], [3000, 3000, 5000])).toEqual({
      steps: 3,
      msPerStep: 2000,
      imagesPerSecond: 4,
      cpuMsPerStep: 3000,
      imagesPerCpuSecond: 2.67,
    });
  });
  it('finds the bit width of uniform schemes only', () => {
    expect(uniformBits('uniform4')).toBe(4);
    expect(uniformBits('uniform8')).toBe(8);
    expect(uniformBits('bops_0.5')).toBeUndefined();
  });
});
