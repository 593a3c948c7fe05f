import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUNDLED_RESULTS_DIR,
  buildReport,
  loadResults,
  mergeResults,
  toHtml,
} from '../src/index.js';
import { result } from './helpers.js';

// Debian's chromium (tools/setup.sh installs it); HAWQ_CHROMIUM overrides the path.
const CHROMIUM = process.env.HAWQ_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const PLOTS = ['top1-vs-bops', 'top1-vs-size', 'published-vs-measured'];
const NARROW = { init: 16, stages: [16, 32, 64, 128] };
const FASHION = [
  result('resnet18', 93.1, {
    scheme: 'uniform8',
    dataset: 'fashion-mnist',
    count: 10000,
    channels: NARROW,
    inputSize: 28,
    numClasses: 10,
  }),
  result('resnet18', 92.2, {
    scheme: 'uniform4',
    dataset: 'fashion-mnist',
    count: 10000,
    channels: NARROW,
    inputSize: 28,
    numClasses: 10,
  }),
  result('resnet18', 93.0, {
    scheme: 'bops_0.5',
    label: 'Hessian-ILP bops 0.5',
    dataset: 'fashion-mnist',
    count: 10000,
    channels: NARROW,
    inputSize: 28,
    numClasses: 10,
    engine: 'ort',
    comparison: {
      engine: 'ort-fast',
      count: 10000,
      top1: 92.9,
      argmaxDisagreements: 7,
      maxRelLogitDifference: 0.005,
    },
  }),
];

describe('HTML report in headless Chromium', () => {
  let browser: Browser;
  let dir: string;
  const loadedPromise = loadResults([BUNDLED_RESULTS_DIR]);

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `${CHROMIUM} not found: install Debian's chromium (tools/setup.sh) or set HAWQ_CHROMIUM`,
      );
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
    dir = await mkdtemp(join(tmpdir(), 'hawq-report-html-'));
  });
  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('renders without console errors and every plot has one point per row', async () => {
    const loaded = await loadedPromise;
    const results = mergeResults([
      {
        source: 'e.json',
        command: 'test',
        results: [result('resnet50_uniform8', 77.4), result('resnet18_uniform4', 68.9)],
      },
      {
        source: 'fm.json',
        command: 'pnpm quant-train -e',
        results: FASHION,
      },
    ]);
    const report = buildReport({ results, deploy: loaded.deploy });
    const file = join(dir, 'report.html');
    await writeFile(file, toHtml(report, { generated: 'by the test' }));
    const page = await browser.newPage({ viewport: { width: 1240, height: 1000 } });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`requestfailed: ${r.url()}`));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });

    const names = report.tables
      .filter((t) => t.dataset === 'imagenet')
      .flatMap((t) => t.rows.map((r) => r.name));
    expect(names).toHaveLength(27);
    for (const plot of PLOTS) {
      const rows = await page.$$eval(`svg[data-plot="${plot}"] circle[data-row]`, (cs) =>
        cs.map((c) => c.getAttribute('data-row')),
      );
      expect(rows.sort()).toEqual([...names].sort());
      // Points are inside the plot's viewBox and actually laid out.
      const boxes = await page.$$eval(`svg[data-plot="${plot}"] circle[data-row]`, (cs) =>
        cs.map((c) => {
          // The test compiles without DOM types; getBBox is SVGGraphicsElement's.
          const b = (
            c as unknown as { getBBox(): { x: number; y: number; width: number; height: number } }
          ).getBBox();
          return { x: b.x, y: b.y, width: b.width, height: b.height };
        }),
      );
      for (const b of boxes) {
        expect(b.width).toBeGreaterThan(0);
        expect(b.x).toBeGreaterThanOrEqual(0);
        expect(b.x).toBeLessThanOrEqual(560);
        expect(b.y).toBeGreaterThanOrEqual(0);
        expect(b.y).toBeLessThanOrEqual(380);
      }
    }
    // Measured rows are filled, published ones hollow.
    const measured = await page.$$eval(
      'svg[data-plot="top1-vs-bops"] circle[data-source="measured"]',
      (cs) => cs.map((c) => c.getAttribute('data-row')),
    );
    expect(measured.sort()).toEqual(['resnet18_uniform4', 'resnet50_uniform8']);
    // A Pareto front per quantized model family (FP-only models have a single point).
    const fronts = await page.$$eval('svg[data-plot="top1-vs-bops"] polyline.front', (ls) =>
      ls.map((l) => l.getAttribute('data-series')),
    );
    expect(fronts).toEqual(['ResNet18', 'ResNet50']);
    expect(await page.locator('table tbody tr').count()).toBe(27 + FASHION.length);
    // The Fashion-MNIST table: its second-engine column and a captioned plot, one point per row.
    const fmRows = await page.$$eval('table tbody tr[data-row^="fashion-mnist/"]', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
    );
    expect(fmRows).toHaveLength(FASHION.length);
    expect(fmRows.flat()).toContain('ort-fast 92.90 (Δ −0.10), argmax ≠ 7/10000, max Δlogit 0.50%');
    const fmPoints = await page.$$eval(
      'svg[data-plot="fashion-mnist-top1-vs-bops"] circle[data-row]',
      (cs) => cs.map((c) => c.getAttribute('data-row')),
    );
    expect(fmPoints).toHaveLength(FASHION.length);
    const captions = await page.$$eval(
      'svg[data-plot="fashion-mnist-top1-vs-bops"] text.caption',
      (ts) =>
        ts.map((t) => {
          const b = (t as unknown as { getBBox(): { x: number; width: number } }).getBBox();
          return { text: t.textContent, left: b.x, right: b.x + b.width };
        }),
    );
    expect(captions.map((c) => c.text).sort()).toEqual(['Hessian-ILP bops 0.5', 'W4A4', 'W8A8']);
    for (const c of captions) {
      expect(c.left).toBeGreaterThanOrEqual(0);
      expect(c.right).toBeLessThanOrEqual(560);
    }
    if (process.env.HAWQ_REPORT_SCREENSHOT) {
      await page.screenshot({ path: process.env.HAWQ_REPORT_SCREENSHOT, fullPage: true });
    }
    expect(problems).toEqual([]);
    await page.close();
  });
});
