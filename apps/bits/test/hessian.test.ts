// `bits hessian` end to end on a narrow ResNet18-structured model and a generated image folder.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { saveTorch, type Tensor } from '@hawq-ts/checkpoint';
import { FASHION_MNIST_DIR } from '@hawq-ts/data';
import { createResNet } from '@hawq-ts/models';
import { beforeAll, describe, expect, it } from 'vitest';
import { bits } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'bits-hessian-'));
const floatPth = join(dir, 'tiny.pth');
const hawqPth = join(dir, 'tiny-hawq.pth');
const fashionPth = join(dir, 'tiny-fashion.pth');
const data = join(dir, 'data');
const spec = (numClasses: number) => ({
  arch: 'resnet18',
  bottleneck: false,
  layers: [2, 2, 2, 2],
  widths: [2, 2, 4, 4],
  initChannels: 2,
  conv1Stride: true,
  numClasses,
});
const FAST = ['--input-size', '193', '--backend', 'wasm', '--seed', '3'];
const TWO = 'stage2.unit1.quant_identity_convbn,stage4.unit2.quant_convbn2';

/** An RGB PNG of pseudo-random pixels (the loader's sharp reads PNG; PPM support varies). */
function png(width: number, height: number, seed: number): Buffer {
  const rows = Buffer.alloc((width * 3 + 1) * height);
  let s = seed;
  for (let i = 0; i < rows.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    rows[i] = i % (width * 3 + 1) === 0 ? 0 : s >>> 24; // filter byte 0 starts each row
  }
  const chunk = (type: string, body: Buffer) => {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(body.length);
    const typed = Buffer.concat([Buffer.from(type, 'latin1'), body]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(typed));
    return Buffer.concat([head, typed, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit truecolour
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A PyTorchCV state_dict renamed as HAWQ's Q_ResNet18 saves it (module. prefix, quant buffers). */
function asHawq(sd: Map<string, Tensor>): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const [k, t] of sd) {
    const name = k
      .replace(/^features\.init_block\.conv\./, 'quant_init_block_convbn.')
      .replace(/^features\.(stage\d+\.unit\d+)\.body\.conv(\d)\./, '$1.quant_convbn$2.')
      .replace(/^features\.(stage\d+\.unit\d+)\.identity_conv\./, '$1.quant_identity_convbn.')
      .replace(/^output\./, 'quant_output.');
    out.set(`module.${name}`, t);
  }
  const scale = sd.get('output.bias')!;
  out.set('module.quant_output.fc_scaling_factor', scale);
  return out;
}

beforeAll(async () => {
  const model = createResNet(spec(3));
  const sd = model.stateDict();
  await saveTorch(floatPth, sd);
  await saveTorch(hawqPth, asHawq(sd));
  model.dispose();
  const fashion = createResNet(spec(10));
  await saveTorch(fashionPth, fashion.stateDict());
  fashion.dispose();
  for (const [c, name] of ['ant', 'bee', 'cat'].entries()) {
    mkdirSync(join(data, 'val', name), { recursive: true });
    for (let i = 0; i < 2; i++)
      writeFileSync(join(data, 'val', name, `${i}.png`), png(40, 32, 7 * c + i));
  }
});

describe('bits hessian', () => {
  it('writes the sensitivity JSON that bits ilp solves', async () => {
    const out = join(dir, 'sens.json');
    const r = await bits(
      'hessian',
      '-a',
      'resnet18',
      '--checkpoint',
      floatPth,
      '--data',
      data,
      '--batch-size',
      '4',
      '--chunk-size',
      '2',
      '--max-iter',
      '2',
      '-o',
      out,
      ...FAST,
    );
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/19 layers, 2 samples/);
    expect(r.stdout).toBe('');
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    expect(doc.arch).toBe('resnet18');
    expect(doc.layers).toHaveLength(19);
    expect(doc.layers[6]).toMatchObject({ name: 'stage2.unit1.quant_identity_convbn', params: 4 });
    expect(doc.layers[0].latencyInt4).toBeUndefined();
    expect(doc.hutchinson).toMatchObject({ batchSize: 4, inputSize: 193, seed: 3 });
    const ilp = await bits(
      'ilp',
      '--sensitivity',
      out,
      '--arch',
      'resnet18',
      '--budget',
      'bops=0.5',
      '--json',
    );
    expect(ilp.status).toBe(0);
    const decision = JSON.parse(ilp.stdout) as Record<string, number>;
    expect(Object.keys(decision)).toHaveLength(19);
  });

  it('reads the float weights of a HAWQ checkpoint to the same result', async () => {
    const args = [
      '-a',
      'resnet18',
      '--data',
      data,
      '--batch-size',
      '3',
      '--layers',
      TWO,
      '--max-iter',
      '3',
      ...FAST,
    ];
    const [a, b] = await Promise.all([
      bits('hessian', '--checkpoint', floatPth, ...args),
      bits('hessian', '--checkpoint', hawqPth, ...args),
    ]);
    expect(a.status).toBe(0);
    expect(b.status).toBe(0);
    const layers = (r: { stdout: string }) => JSON.parse(r.stdout).layers;
    expect(layers(a).map((l: { name: string }) => l.name)).toEqual(TWO.split(','));
    expect(layers(b)).toEqual(layers(a));
  });

  it.runIf(existsSync(FASHION_MNIST_DIR))('reads Fashion-MNIST idx files', async () => {
    const r = await bits(
      'hessian',
      '-a',
      'resnet18',
      '--checkpoint',
      fashionPth,
      '--fashion-mnist',
      FASHION_MNIST_DIR,
      '--batch-size',
      '2',
      '--layers',
      'stage4.unit2.quant_convbn2',
      '--max-iter',
      '2',
      ...FAST,
    );
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).hutchinson.data).toBe(FASHION_MNIST_DIR);
  });

  it.concurrent.each([
    [
      ['--checkpoint', join(dir, 'missing.pth'), '--data', data],
      1,
      /^bits: --checkpoint .*missing\.pth: cannot read checkpoint: no such file$/,
    ],
    [['--checkpoint', floatPth, '--data', join(dir, 'nowhere')], 1, /^bits: --data .*nowhere/],
    [
      ['--checkpoint', floatPth, '--data', data, '--tol', '-1'],
      2,
      /^bits: --tol '-1' is not a positive number/,
    ],
    [
      ['--checkpoint', floatPth, '--data', data, '--fashion-mnist', data],
      2,
      /exactly one of --data/,
    ],
    [
      ['--checkpoint', floatPth, '--data', data, '--layers', 'stage9.unit1.quant_convbn1'],
      2,
      /^bits: --layers: stage9/,
    ],
    [['--checkpoint', floatPth, '--data', data, '--input-size', '300'], 2, /--input-size '300'/],
    [
      ['--checkpoint', floatPth, '--data', data, '--input-size', '28', '--val-resize-size', '20'],
      2,
      /^bits: --val-resize-size '20' is not an integer in \[28, 4096\]/,
    ],
    [['--checkpoint', floatPth, '--data', data, '-a', 'resnet50'], 1, /basic units \[2, 2, 2, 2\]/],
  ])('fails in one line: %j', async (args, status, message) => {
    const out = join(dir, 'never.json');
    const r = await bits('hessian', '-a', 'resnet18', '--backend', 'cpu', ...args, '-o', out);
    expect(r.status).toBe(status);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });
});
