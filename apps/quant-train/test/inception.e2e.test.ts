// `pnpm quant-train -a inceptionv3` end to end on a tiny generated ImageNet-layout folder with a
// narrowed InceptionV3 (widths / 16) at HAWQ's 299x299: one QAT iteration, HAWQ's files with
// Q_InceptionV3 names, `-e` of the written checkpoint on tfjs, and the ORT refusal. Needs `pnpm build`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadTorch, readHawqCheckpoint } from '@hawq-ts/checkpoint';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeImageFolder, makeTinyInception } from './fixture.js';

const cli = resolve(import.meta.dirname, '../dist/cli.js');
let root = '';
let data = '';
let weights = '';

function run(args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 240_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const common = () => [
  '--data',
  data,
  '-a',
  'inceptionv3',
  '-b',
  '2',
  '--quant-scheme',
  'uniform8',
  '--act-range-momentum=0.99',
  '--seed',
  '3',
  '--workers',
  '0',
  '--no-progress',
  '--backend',
  'wasm',
];

describe.skipIf(!existsSync(cli))('quant-train -a inceptionv3', () => {
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'quant-train-inc-'));
    data = join(root, 'data');
    weights = join(root, 'tiny-inceptionv3.pth');
    await makeImageFolder(data, { train: 2, val: 1 });
    await makeTinyInception(weights);
  });

  it('trains one iteration, then evaluates its checkpoint with -e', async () => {
    const save = join(root, 'run/');
    // 6 training images x 0.34 → 2 images: one batch of 2 (without --fix-BN: dropout is active)
    const t = run([
      ...common(),
      '--pretrained',
      weights,
      '--epochs',
      '1',
      '--lr',
      '0.01',
      '--data-percentage',
      '0.34',
      '-p',
      '1',
      '--save-path',
      save,
    ]);
    expect(t.code, t.stderr).toBe(0);
    expect(t.stderr).toContain(`Q_InceptionV3 from ${weights}, uniform8`);
    expect(t.stderr).toContain("1 (bits, 'hook') entry of the bit config set bits only");
    expect(t.stderr).toContain('training on 2 of 6 images, 1 batches per epoch');
    expect(readFileSync(join(save, 'log.log'), 'utf8')).toContain('Epoch: [0][0/1]');
    const ck = readHawqCheckpoint(await loadTorch(join(save, 'checkpoint.pth.tar')));
    expect(ck).toMatchObject({ epoch: 1, arch: 'inceptionv3' });
    expect(ck.stateDict.has('module.features.q_init_block.q_conv1.q_convbn.conv.weight')).toBe(
      true,
    );
    expect(ck.stateDict.has('module.output.q_fc.fc_scaling_factor')).toBe(true);
    expect(existsSync(join(save, 'quantized_checkpoint.pth.tar'))).toBe(true);

    // -e --resume … --resume-quantize defaults to tfjs for Inception and reproduces the
    // checkpoint's own validation (the same frozen forward on the same 3 images)
    const ev = (...extra: string[]) =>
      run([
        ...common(),
        '-e',
        '--resume',
        join(save, 'checkpoint.pth.tar'),
        '--resume-quantize',
        '--json',
        '--save-path',
        save,
        ...extra,
      ]);
    const e = ev();
    expect(e.code, e.stderr).toBe(0);
    const j = JSON.parse(e.stdout);
    expect(j).toMatchObject({ model: 'inceptionv3', scheme: 'uniform8', engine: 'tfjs', count: 3 });
    expect(j.inputSize).toBe(299);
    // best_acc1 is stored as HAWQ's float32 tensor
    expect(Math.fround(j.top1)).toBe(ck.bestAcc1);

    const ort = ev('--engine', 'ort');
    expect(ort.code).toBe(1);
    expect(ort.stderr.trim()).toBe(
      'quant-train: --engine ort: -a inceptionv3 is an InceptionV3, which @hawq-ts/deploy cannot export to ONNX (ResNets only); use --engine tfjs',
    );

    // a checkpoint that does not fit -a is refused, naming both
    const wrong = run([
      ...common().map((v) => (v === 'inceptionv3' ? 'resnet18' : v)),
      '-e',
      '--resume',
      join(save, 'checkpoint.pth.tar'),
      '--resume-quantize',
      '--engine',
      'tfjs',
      '--save-path',
      save,
    ]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr.trim().split('\n').at(-1)).toMatch(
      /^quant-train: .*checkpoint\.pth\.tar: holds an InceptionV3, but -a is resnet18$/,
    );
    // Inception's 8x8 final pool needs 299 pixels: refused before any image is decoded
    const small = run([
      ...common(),
      '-e',
      '--pretrained',
      weights,
      '--input-size',
      '224',
      '--save-path',
      save,
    ]);
    expect(small.code).toBe(1);
    expect(small.stderr.trim().split('\n').at(-1)).toBe(
      'quant-train: --input-size 224: Q_InceptionV3: input 224x224 gives a 5x5 final map; the hard-coded 8x8 pool needs 299x299',
    );
    // … and ORT is refused by the checkpoint's content too, before any export is tried
    const wrongOrt = run([
      ...common().map((v) => (v === 'inceptionv3' ? 'resnet18' : v)),
      '-e',
      '--resume',
      join(save, 'checkpoint.pth.tar'),
      '--resume-quantize',
      '--save-path',
      save,
    ]);
    expect(wrongOrt.code).toBe(1);
    expect(wrongOrt.stderr.trim()).toMatch(
      /^quant-train: --engine ort: .*checkpoint\.pth\.tar is an InceptionV3, .*use --engine tfjs$/,
    );
  }, 600_000);
});
