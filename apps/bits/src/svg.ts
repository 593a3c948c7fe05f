import { BUDGET_UNITS, type BudgetKind, type ParetoPoint } from '@hawq-ts/ilp';

// A hand-written SVG: one line plot of a few dozen points needs no charting library (the usual
// ones pull in a DOM or a canvas); this stays dependency-free and deterministic for tests.

const WIDTH = 640;
const HEIGHT = 400;
const MARGIN = { left: 80, right: 20, top: 40, bottom: 50 };

function ticks(min: number, max: number, count = 5): number[] {
  if (max <= min) return [min];
  const raw = (max - min) / count;
  const step = 10 ** Math.floor(Math.log10(raw));
  const nice = [1, 2, 5, 10].map((m) => m * step).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let t = Math.ceil(min / nice) * nice; t <= max + nice * 1e-9; t += nice)
    out.push(Number(t.toPrecision(12)));
  return out;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The predicted frontier: cost of the swept budget (x) against HAWQ's objective (y). */
export function frontierSvg(
  points: readonly ParetoPoint[],
  kind: BudgetKind,
  arch: string,
): string {
  const xs = points.map((p) => p.cost);
  const ys = points.map((p) => p.objective);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  const pad = (lo: number, hi: number) =>
    (hi > lo ? [lo, hi] : [lo - 1, hi + 1]) as [number, number];
  const [xl, xh] = pad(x0, x1);
  const [yl, yh] = pad(y0, y1);
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const sx = (x: number) => MARGIN.left + ((x - xl) / (xh - xl)) * plotW;
  const sy = (y: number) => MARGIN.top + (1 - (y - yl) / (yh - yl)) * plotH;
  const f = (v: number) => v.toFixed(1);
  const lines: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="22" text-anchor="middle" font-size="14">${escapeXml(`${arch}: predicted ILP frontier (${kind} budget)`)}</text>`,
    `<line x1="${MARGIN.left}" y1="${MARGIN.top + plotH}" x2="${MARGIN.left + plotW}" y2="${MARGIN.top + plotH}" stroke="black"/>`,
    `<line x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${MARGIN.top + plotH}" stroke="black"/>`,
  ];
  for (const t of ticks(xl, xh)) {
    lines.push(
      `<line x1="${f(sx(t))}" y1="${MARGIN.top + plotH}" x2="${f(sx(t))}" y2="${MARGIN.top + plotH + 5}" stroke="black"/>`,
      `<text x="${f(sx(t))}" y="${MARGIN.top + plotH + 18}" text-anchor="middle">${t}</text>`,
    );
  }
  for (const t of ticks(yl, yh)) {
    lines.push(
      `<line x1="${MARGIN.left - 5}" y1="${f(sy(t))}" x2="${MARGIN.left}" y2="${f(sy(t))}" stroke="black"/>`,
      `<text x="${MARGIN.left - 8}" y="${f(sy(t) + 4)}" text-anchor="end">${t}</text>`,
    );
  }
  lines.push(
    `<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 10}" text-anchor="middle">${escapeXml(`${kind} of the ILP layers (${BUDGET_UNITS[kind]})`)}</text>`,
    `<text transform="translate(18 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml('objective Σ trace·(Δ8−Δ4), lower is better')}</text>`,
    `<polyline fill="none" stroke="#1f77b4" stroke-width="2" points="${points.map((p) => `${f(sx(p.cost))},${f(sy(p.objective))}`).join(' ')}"/>`,
    ...points.map(
      (p) =>
        `<circle cx="${f(sx(p.cost))}" cy="${f(sy(p.objective))}" r="3" fill="#1f77b4"><title>r=${p.ratio}: ${p.eightBitLayers} layers at 8 bits</title></circle>`,
    ),
    '</svg>',
  );
  return `${lines.join('\n')}\n`;
}
