// Axis scales and tick positions for the report's scatter plots.

export interface Scale {
  /** Data value → pixel. */
  map(v: number): number;
  ticks: number[];
  format(v: number): string;
}

function niceStep(span: number, target: number): number {
  const raw = span / target;
  const p = 10 ** Math.floor(Math.log10(raw));
  const f = raw / p;
  return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * p;
}

/** A linear scale padded to nice tick steps around [lo, hi]. */
export function linearScale(lo: number, hi: number, px0: number, px1: number): Scale {
  if (hi - lo < 1e-9) {
    lo -= 1;
    hi += 1;
  }
  const step = niceStep(hi - lo, 5);
  const a = Math.floor(lo / step) * step;
  const b = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  for (let t = a; t <= b + step / 2; t += step) ticks.push(Number(t.toFixed(10)));
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  return {
    map: (v) => px0 + ((v - a) / (b - a)) * (px1 - px0),
    ticks,
    format: (v) => v.toFixed(decimals),
  };
}

/** A log10 scale over whole 1-2-5 decades around [lo, hi] (lo > 0). */
export function logScale(lo: number, hi: number, px0: number, px1: number): Scale {
  const a = Math.floor(Math.log10(lo));
  const b = Math.max(a + 1, Math.ceil(Math.log10(hi)));
  const ticks: number[] = [];
  for (let e = a; e <= b; e++) {
    for (const m of [1, 2, 5]) {
      const t = m * 10 ** e;
      if (t >= 10 ** a && t <= 10 ** b) ticks.push(t);
    }
  }
  return {
    map: (v) => px0 + ((Math.log10(v) - a) / (b - a)) * (px1 - px0),
    ticks,
    format: (v) => (v >= 1 ? String(Math.round(v)) : String(v)),
  };
}
