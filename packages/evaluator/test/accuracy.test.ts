import { describe, expect, it } from 'vitest';
import { AverageMeter, PerClassAccuracy, rankOfLabel, scoreBatch } from '../src/index.js';

describe('accuracy like quant_train.py', () => {
  it('weights batch accuracies by batch size (AverageMeter)', () => {
    const m = new AverageMeter('Acc@1');
    m.update(100, 3);
    m.update(0, 1);
    expect(m.avg).toBe(75);
    expect(m.val).toBe(0);
    expect(m.count).toBe(4);
  });

  it('scores top-1 and top-5, ties to the lower class index', () => {
    // 6 classes, 3 images
    const logits = Float32Array.from([
      0,
      5,
      1,
      1,
      1,
      1, // label 1: top-1
      9,
      8,
      7,
      6,
      5,
      4, // label 5: rank 5, outside top-5
      1,
      1,
      1,
      1,
      1,
      1, // label 2 tied with everything: rank 2
    ]);
    const s = scoreBatch(logits, [1, 5, 2], 6);
    expect(s.correct1).toBe(1);
    expect(s.correct5).toBe(2);
    expect([...s.predictions]).toEqual([1, 0, 0]);
    expect(rankOfLabel(logits, 12, 6, 2)).toBe(2);
  });

  it('uses top-min(5, classes) for few classes and rejects bad labels', () => {
    const s = scoreBatch([0, 1, 2], [0], 3);
    expect(s.correct5).toBe(1);
    expect(() => scoreBatch([0, 1, 2], [3], 3)).toThrow(/outside the model's 3 classes/);
  });

  it('counts per-class accuracy', () => {
    const p = new PerClassAccuracy(3);
    p.add([0, 0, 1], [1, 0, 1]);
    expect(p.table(['a', 'b', 'c'])).toEqual([
      { class: 'a', count: 2, top1: 50 },
      { class: 'b', count: 1, top1: 100 },
      { class: 'c', count: 0, top1: null },
    ]);
  });
});
