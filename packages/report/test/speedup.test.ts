import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getBitConfig } from '@hawq-ts/core';
import { describe, expect, it } from 'vitest';
import {
  BUNDLED_RESULTS_DIR,
  buildReport,
  loadResults,
  parseDeployResults,
  T4_LATENCY,
  t4EstimateFor,
} from '../src/index.js';
import { ILP_DATA } from './helpers.js';

const ilp = JSON.parse(readFileSync(ILP_DATA, 'utf8')) as {
  models: Record<string, { layers: string[]; latency_int4: number[]; latency_int8: number[] }>;
};

describe('T4 estimate', () => {
  it('embeds exactly the per-layer latency table of ilp-data.json', () => {
    for (const arch of ['resnet18', 'resnet50']) {
      const m = ilp.models[arch]!;
      expect(T4_LATENCY[arch]).toEqual({
        layers: m.layers,
        int4: m.latency_int4,
        int8: m.latency_int8,
      });
    }
  });

  it('is Σ int8 / Σ latency at the config bits over the body convs (uniform4: Σ int8 / Σ int4)', () => {
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    const m = ilp.models.resnet18!;
    expect(t4EstimateFor('resnet18', 'uniform4')).toBeCloseTo(
      sum(m.latency_int8) / sum(m.latency_int4),
      12,
    );
    expect(t4EstimateFor('resnet18', 'uniform8')).toBe(1);
    // bops_0.5: pick each layer's latency by its weight bits in the config.
    const cfg = getBitConfig('resnet18', 'bops_0.5');
    const names = {
      c1: 'quant_convbn1',
      c2: 'quant_convbn2',
      c3: 'quant_convbn3',
      id: 'quant_identity_convbn',
    } as const;
    const mixed = m.layers.reduce((acc, short, i) => {
      const [stage, unit, c] = short.split('.') as [string, string, keyof typeof names];
      const bits = cfg.entries.get(`${stage}.${unit}.${names[c]}`);
      return acc + (bits === 4 ? m.latency_int4[i]! : m.latency_int8[i]!);
    }, 0);
    expect(t4EstimateFor('resnet18', 'bops_0.5')).toBeCloseTo(sum(m.latency_int8) / mixed, 12);
  });

  it('is null for FP rows and architectures the table lacks', () => {
    expect(t4EstimateFor('resnet18', null)).toBeNull();
    expect(t4EstimateFor('resnet101', 'uniform8')).toBeNull();
  });
});

describe('measured CPU speed-up', () => {
  const bundled = join(BUNDLED_RESULTS_DIR, 'deploy.json');
  const doc = JSON.parse(readFileSync(bundled, 'utf8'));

  it('the bundled deploy results say which command wrote them', () => {
    expect(doc.command).toBe('pnpm bench deploy');
  });

  it('is float / int8 latency at batch 8, the same for every quantized row of an arch', async () => {
    const ms = (arch: string, engine: string) =>
      doc.results
        .find((r: { arch: string; engine: string }) => r.arch === arch && r.engine === engine)
        .timings.find((t: { batch: number }) => t.batch === 8).msPerBatch as number;
    const loaded = await loadResults([BUNDLED_RESULTS_DIR]);
    const rows = buildReport({ deploy: loaded.deploy }).tables.flatMap((t) => t.rows);
    for (const arch of ['resnet18', 'resnet50']) {
      const want = ms(arch, 'ort-float') / ms(arch, 'ort-int8');
      for (const r of rows.filter((x) => x.arch === arch)) {
        expect(r.speedup).toBeCloseTo(r.bitConfig === null ? 1 : want, 12);
        if (r.bitConfig !== null && r.bitConfig !== 'uniform8')
          expect(r.notes.speedup).toContain('cpu-int4');
      }
    }
    expect(rows.filter((r) => r.arch === 'resnet101').every((r) => r.speedup === null)).toBe(true);
  });

  it('rejects a malformed deploy file with its name', () => {
    expect(() => parseDeployResults({ command: 'x' }, 'd.json')).toThrow(/d\.json: /);
  });

  it('without deploy results, no row claims a measured speed-up', () => {
    expect(
      buildReport()
        .tables.flatMap((t) => t.rows)
        .every((r) => r.speedup === null),
    ).toBe(true);
  });
});
