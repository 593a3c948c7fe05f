import { describe, expect, it } from 'vitest';
import { compareCodePoints, pyRound } from '../src/index.js';

describe('pyRound', () => {
  it("rounds halves to even like Python 3's round()", () => {
    // The CenterCrop cases of the golden README, then symmetric ones.
    expect([58.5, 60.5, 79.5, 106.5].map(pyRound)).toEqual([58, 60, 80, 106]);
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5].map(pyRound)).toEqual([0, 2, 2, -0, -2, -2]);
    expect([2.4999, 2.5001, -2.6, 7].map(pyRound)).toEqual([2, 3, -3, 7]);
  });
});

describe('compareCodePoints', () => {
  it("sorts like Python's sorted(): by code point, not UTF-16 unit", () => {
    const names = ['b', 'a', 'B', '\u{1F600}', '\uFF21', 'a b', 'a_b', 'ab', 'é'];
    // Python: sorted([...]) == ['B', 'a', 'a b', 'a_b', 'ab', 'b', 'é', 'Ａ', '😀']
    expect([...names].sort(compareCodePoints)).toEqual([
      'B',
      'a',
      'a b',
      'a_b',
      'ab',
      'b',
      'é',
      '\uFF21',
      '\u{1F600}',
    ]);
    expect(['\uFF21', '\u{1F600}'].sort()).toEqual(['\u{1F600}', '\uFF21']); // JS default differs
  });
});
