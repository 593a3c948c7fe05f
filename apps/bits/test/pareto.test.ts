import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bits, ILP_DATA } from './helpers.js';

describe('bits pareto', () => {
  it('prints one row per ratio with the cost, objective and number of 8-bit layers', async () => {
    const r = await bits(
      'pareto',
      '--sensitivity',
      ILP_DATA,
      '--arch',
      'resnet18',
      '--budget-kind',
      'bops',
      '--steps',
      '5',
    );
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/r\s+cost \(GBOPS\)\s+objective\s+8-bit layers/);
    expect(lines).toHaveLength(6);
    expect(lines[1]!.trim().split(/\s+/)).toEqual(['0.000', '27.129', '0.00000', '0/19']);
    expect(lines[3]!.trim().split(/\s+/)).toEqual(['0.500', '66.589', '-1.09202', '10/19']);
    expect(lines[5]!.trim().split(/\s+/)).toEqual(['1.000', '108.515', '-1.30346', '19/19']);
  });

  it('--json gives a frontier whose objective never rises with r and whose cost stays in budget', async () => {
    const r = await bits(
      'pareto',
      '--sensitivity',
      ILP_DATA,
      '--arch',
      'resnet50',
      '--budget-kind',
      'latency',
      '--steps',
      '11',
      '--json',
    );
    expect(r.status).toBe(0);
    const points = JSON.parse(r.stdout) as {
      ratio: number;
      cost: number;
      objective: number;
      unit: string;
      bits: Record<string, number>;
    }[];
    expect(points).toHaveLength(11);
    expect(points[0]!.unit).toBe('ms');
    for (let i = 1; i < points.length; i++) {
      expect(points[i]!.objective).toBeLessThanOrEqual(points[i - 1]!.objective + 1e-12);
    }
    const [all4, all8] = [points[0]!.cost, points[10]!.cost];
    for (const p of points)
      expect(p.cost).toBeLessThanOrEqual(all4 + p.ratio * (all8 - all4) + 1e-9);
    expect(Object.keys(points[5]!.bits)).toContain('stage3.unit6.c1');
  });

  it('--svg writes a plot of the frontier', async () => {
    const svg = join(mkdtempSync(join(tmpdir(), 'bits-')), 'frontier.svg');
    const r = await bits(
      'pareto',
      '--sensitivity',
      ILP_DATA,
      '--arch',
      'resnet18',
      '--budget-kind',
      'size',
      '--steps',
      '6',
      '--svg',
      svg,
    );
    expect(r.status).toBe(0);
    const text = readFileSync(svg, 'utf8');
    expect(text.startsWith('<svg')).toBe(true);
    expect(text.match(/<circle /g)).toHaveLength(6);
    expect(text).toContain('predicted ILP frontier (size budget)');
  });

  it('rejects --json together with --svg and a bad --steps', async () => {
    const both = await bits(
      'pareto',
      '--sensitivity',
      ILP_DATA,
      '--arch',
      'resnet18',
      '--budget-kind',
      'bops',
      '--json',
      '--svg',
      'x.svg',
    );
    expect(both.status).toBe(2);
    expect(both.stderr).toMatch(/'--json' cannot be used with option '--svg <file>'/);
    const r = await bits(
      'pareto',
      '--sensitivity',
      ILP_DATA,
      '--arch',
      'resnet18',
      '--budget-kind',
      'bops',
      '--steps',
      'many',
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("bits: --steps 'many': use an integer from 2 to 1001\n");
  });
});
