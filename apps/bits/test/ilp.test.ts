import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bits, ILP_DATA } from './helpers.js';

// ResNet18 bops_0.5 as released in HAWQ's bit_config.py (hawq-spec §2), body convs in ILP order.
const R18_BOPS_05 = '8884888848884444444';

describe('bits ilp', () => {
  it('--json prints only the decision, in the input file’s naming', async () => {
    const r = await bits(
      'ilp',
      '--sensitivity',
      ILP_DATA,
      '--arch',
      'resnet18',
      '--budget',
      'bops=0.5',
      '--json',
    );
    expect(r.status).toBe(0);
    const decision = JSON.parse(r.stdout) as Record<string, number>;
    expect(Object.keys(decision)[6]).toBe('stage2.unit1.id');
    expect(Object.values(decision).join('')).toBe(R18_BOPS_05);
    expect(r.stderr).toMatch(/resnet18 bops=0.5: 10\/19 layers at 8 bits/);
  });

  it('--random-traces keeps the budget but not the Hessian ranking, reproducibly', async () => {
    const args = [
      'ilp',
      '--sensitivity',
      ILP_DATA,
      '--arch',
      'resnet18',
      '--budget',
      'bops=0.5',
      '--json',
    ];
    const a = await bits(...args, '--random-traces', '1');
    const b = await bits(...args, '--random-traces', '1');
    const c = await bits(...args, '--random-traces', '2');
    expect(a.status).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    const decisions = [a, c].map((r) =>
      Object.values(JSON.parse(r.stdout) as Record<string, number>).join(''),
    );
    expect(decisions).not.toContain(R18_BOPS_05);
    expect(decisions[0]).not.toBe(decisions[1]);
    // the budget line reports the BOPS ratio actually used: never above 0.5
    for (const r of [a, c]) {
      const used = /bops=0\.5: \d+\/19 layers at 8 bits.*?([0-9.]+)/.exec(r.stderr);
      expect(used, r.stderr).not.toBeNull();
    }
    const bad = await bits(...args, '--random-traces', 'x');
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim()).toMatch(/--random-traces x: expected a seed/);
  });

  it('prints the full HAWQ bit config, activation quantizers included', async () => {
    const r = await bits(
      'ilp',
      '--sensitivity',
      ILP_DATA,
      '--arch',
      'resnet18',
      '--budget',
      'bops=0.5',
    );
    expect(r.status).toBe(0);
    const config = JSON.parse(r.stdout) as Record<string, number>;
    expect(Object.keys(config)).toHaveLength(48);
    expect(config.quant_input).toBe(8);
    expect(config['stage1.unit2.quant_convbn2']).toBe(4);
    expect(config['stage1.unit2.quant_act1']).toBe(4);
    expect(config['stage2.unit1.quant_identity_convbn']).toBe(8);
    expect(config['stage2.unit1.quant_act_int32']).toBe(16);
  });

  it('-o writes the file atomically and keeps stdout empty', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bits-'));
    const out = join(dir, 'config.json');
    const r = await bits(
      'ilp',
      '--sensitivity',
      ILP_DATA,
      '--arch',
      'resnet50',
      '--budget',
      'size=0.5',
      '--budget',
      'latency=0.5',
      '-o',
      out,
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
    expect(readdirSync(dir)).toEqual(['config.json']);
    const config = JSON.parse(readFileSync(out, 'utf8')) as Record<string, number>;
    expect(Object.keys(config)).toHaveLength(121);
    expect(r.stderr).toMatch(/size=0.5 and latency=0.5/);
  });

  it('reads the per-layer sensitivity format with HAWQ names and ties identity convs to conv1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bits-'));
    const data = JSON.parse(readFileSync(ILP_DATA, 'utf8')).models.resnet18;
    const full: Record<string, string> = {
      c1: 'quant_convbn1',
      c2: 'quant_convbn2',
      id: 'quant_identity_convbn',
    };
    const file = join(dir, 'sens.json');
    writeFileSync(
      file,
      JSON.stringify({
        arch: 'resnet18',
        layers: (data.layers as string[]).map((name, i) => ({
          name: name.replace(/(c1|c2|id)$/, (m) => full[m]!),
          trace: data.Hutchinson_trace[i],
          delta4: data.delta_weights_4bit_square[i],
          delta8: data.delta_weights_8bit_square[i],
          params: Math.round(data.parameters[i] * 2 ** 20),
          macs: Math.round(data.bops[i] * 1e6),
        })),
      }),
    );
    const r = await bits('ilp', '--sensitivity', file, '--budget', 'bops=0.5', '--json');
    expect(r.status).toBe(0);
    const decision = JSON.parse(r.stdout) as Record<string, number>;
    expect(Object.keys(decision)[6]).toBe('stage2.unit1.quant_identity_convbn');
    expect(Object.values(decision).join('')).toBe(R18_BOPS_05);
    for (const s of [2, 3, 4]) {
      expect(decision[`stage${s}.unit1.quant_identity_convbn`]).toBe(
        decision[`stage${s}.unit1.quant_convbn1`],
      );
    }
  });
});

describe.concurrent('bits errors: one line on stderr, non-zero exit, nothing on stdout', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bits-err-'));
  const layer = (name: string) => ({
    name,
    trace: 0.01,
    delta4: 1,
    delta8: 0.01,
    params: 1000,
    macs: 1e6,
    latencyInt4: 0.3, // no int4 kernels: 8-bit is faster
    latencyInt8: 0.1,
  });
  const sens = (arch: string, names: string[]) => {
    const file = join(dir, `${arch}-${names.length}.json`);
    writeFileSync(file, JSON.stringify({ arch, layers: names.map(layer) }));
    return file;
  };
  const r18Names = JSON.parse(readFileSync(ILP_DATA, 'utf8')).models.resnet18.layers as string[];

  it.each([
    [
      'unknown arch',
      ['--arch', 'vgg16', '--budget', 'bops=0.5'],
      ILP_DATA,
      2,
      /--arch 'vgg16': unknown arch/,
    ],
    [
      'bad budget syntax',
      ['--arch', 'resnet18', '--budget', 'foo=1'],
      ILP_DATA,
      2,
      /--budget 'foo=1': unknown kind 'foo'/,
    ],
    [
      'ratio outside [0, 1]',
      ['--arch', 'resnet18', '--budget', 'bops=2'],
      ILP_DATA,
      2,
      /ratio 2 is outside \[0, 1\]/,
    ],
    ['no budget', ['--arch', 'resnet18'], ILP_DATA, 2, /give at least one --budget/],
    [
      'missing file',
      ['--arch', 'resnet18', '--budget', 'bops=0.5'],
      join(dir, 'nope.json'),
      1,
      /--sensitivity .*nope.json: cannot read it \(no such file\)/,
    ],
    [
      'layers of another arch',
      ['--budget', 'bops=0.5'],
      sens('resnet50', r18Names),
      1,
      /stage1.unit1.c2 and .* are not body convs of resnet50|no data for the resnet50/,
    ],
    [
      'infeasible budgets',
      ['--budget', 'size=0', '--budget', 'latency=0.5'],
      sens('resnet18', r18Names),
      1,
      /no 4\/8-bit assignment of resnet18 meets size=0 and latency=0.5/,
    ],
  ])('%s', async (_label, args, file, status, message) => {
    const out = join(dir, 'never.json');
    const r = await bits('ilp', '--sensitivity', file, ...args, '-o', out);
    expect(r.status).toBe(status);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(readdirSync(dir)).not.toContain('never.json');
  });

  it('commander usage errors are one line too', async () => {
    const r = await bits('ilp', '--budget', 'bops=0.5');
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe("error: required option '--sensitivity <file>' not specified");
  });
});
