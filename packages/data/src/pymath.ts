// Python semantics that torchvision relies on and JavaScript lacks.

/** Python 3 `round(x)`: halves go to the even neighbour (torchvision's crop offsets depend on it). */
export function pyRound(x: number): number {
  const r = Math.round(x);
  // Math.round sends every .5 up; Python sends it to the even integer instead.
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Python's `str` ordering (by code point). JavaScript's default sort compares UTF-16 code units, which
 * orders astral characters (emoji, rare CJK) before U+E000–U+FFFF; `sorted()` in Python does not.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

// Surrogates (U+D800–U+DFFF) encode code points above U+FFFF, so they must rank after U+E000–U+FFFF.
// At the first differing unit, this remapping gives code-point order (the classic UTF-16 fix-up).
function codePointRank(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  if (unit >= 0xd800) return unit + 0x2000;
  return unit;
}
