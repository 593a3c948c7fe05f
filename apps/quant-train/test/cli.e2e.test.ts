// `pnpm quant-train` end to end on a tiny generated ImageNet-layout folder: train one epoch,
// check HAWQ's files, resume, Ctrl-C + resume, and `-e` on ORT and tfjs. Needs `pnpm build`.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadTorch, readHawqCheckpoint } from '@hawq-ts/checkpoint';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeImageFolder, makeTinyModel } from './fixture.js';

const cli = resolve(import.meta.dirname, '../dist/cli.js');
let root = '';
let data = '';
let model = '';

function run(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    timeout: 240_000,
    env,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const common = () => [
  '--data',
  data,
  '-a',
  'resnet18',
  '--input-size',
  '193',
  '-b',
  '2',
  '--lr',
  '0.01',
  '--quant-scheme',
  'uniform8',
  '--fix-BN',
  '--act-range-momentum=0.99',
  '--wd',
  '1e-4',
  '--seed',
  '3',
  '--workers',
  '0',
  '--no-progress',
  '--backend',
  'wasm',
  '-p',
  '1',
];

describe.skipIf(!existsSync(cli))('quant-train CLI', () => {
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'quant-train-'));
    data = join(root, 'data');
    model = join(root, 'tiny.pth');
    await makeImageFolder(data, { train: 2, val: 2 });
    await makeTinyModel(model);
  });

  it('trains, resumes and evaluates with HAWQ files', async () => {
    const save = join(root, 'run/');
    const t = run([...common(), '--pretrained', model, '--epochs', '1', '--save-path', save]);
    expect(t.stderr).toContain(' * Acc@1');
    expect(t.code, t.stderr).toBe(0);
    for (const f of ['checkpoint.pth.tar', 'quantized_checkpoint.pth.tar', 'log.log']) {
      expect(existsSync(join(save, f)), f).toBe(true);
    }
    expect(readFileSync(join(save, 'log.log'), 'utf8')).toContain('Epoch: [0][0/3]');
    const c1 = readHawqCheckpoint(await loadTorch(join(save, 'checkpoint.pth.tar')));
    expect(c1).toMatchObject({ epoch: 1, arch: 'resnet18' });
    expect(c1.optimizer.state.size).toBe(62);

    // --resume continues at epoch 1 and runs to --epochs 2
    const r = run([
      ...common(),
      '--epochs',
      '2',
      '--save-path',
      save,
      '--resume',
      join(save, 'checkpoint.pth.tar'),
      '--resume-quantize',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('Epoch 1:');
    expect(r.stderr).not.toContain('Epoch 0:');
    const c2 = readHawqCheckpoint(await loadTorch(join(save, 'checkpoint.pth.tar')));
    expect(c2.epoch).toBe(2);

    // -e on the exact integer ORT graph and on tfjs: same accuracy on these images
    const ev = (engine: string) =>
      run([
        ...common(),
        '-e',
        '--resume',
        join(save, 'checkpoint.pth.tar'),
        '--resume-quantize',
        '--engine',
        engine,
        '--json',
        '--save-path',
        save,
      ]);
    const eo = ev('ort');
    expect(eo.code, eo.stderr).toBe(0);
    const jo = JSON.parse(eo.stdout);
    expect(jo).toMatchObject({ model: 'resnet18', scheme: 'uniform8', engine: 'ort', count: 6 });
    expect(jo.checkpointSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(jo.perClass).toHaveLength(3);
    const et = ev('tfjs');
    expect(et.code, et.stderr).toBe(0);
    expect(JSON.parse(et.stdout).top1).toBe(jo.top1);
    expect(JSON.parse(readFileSync(join(save, 'eval_results.json'), 'utf8')).engine).toBe('tfjs');

    // --resume with a zoo model name: the installed checkpoint, its arch and scheme as defaults
    const cache = join(root, 'cache');
    const env = { ...process.env, HAWQ_CACHE_DIR: cache };
    const zooArgs = [
      '--data',
      data,
      '--input-size',
      '193',
      '-b',
      '2',
      '--workers',
      '0',
      '--no-progress',
      '-e',
      '--resume',
      'resnet18_uniform8',
      '--resume-quantize',
      '--json',
      '--save-path',
      save,
    ];
    const missing = run(zooArgs, env);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toMatch(
      /^quant-train: resnet18_uniform8 is not installed in .*pnpm zoo fetch resnet18_uniform8/,
    );
    const dir = join(cache, 'zoo', 'resnet18_uniform8');
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(save, 'checkpoint.pth.tar'), join(dir, 'checkpoint.pth.tar'));
    const bytes = readFileSync(join(dir, 'checkpoint.pth.tar'));
    const sha = createHash('sha256').update(bytes).digest('hex');
    writeFileSync(
      join(dir, 'manifest.json'),
      JSON.stringify({
        schema: 1,
        model: 'resnet18_uniform8',
        fileId: 'test',
        checkpoint: 'checkpoint.pth.tar',
        installedAt: new Date().toISOString(),
        archive: { sha256: sha, bytes: bytes.length },
        files: [
          { path: 'checkpoint.pth.tar', bytes: bytes.length, sha256: sha, kind: 'hawq-checkpoint' },
        ],
      }),
    );
    const z = run(zooArgs, env);
    expect(z.code, z.stderr).toBe(0);
    expect(JSON.parse(z.stdout)).toMatchObject({
      model: 'resnet18',
      scheme: 'uniform8',
      engine: 'ort',
      top1: jo.top1,
    });
  }, 600_000);

  it('saves a resumable checkpoint on Ctrl-C and resumes it', async () => {
    const save = join(root, 'int/');
    const child: ChildProcess = spawn(
      process.execPath,
      [cli, ...common(), '--pretrained', model, '--epochs', '1', '--save-path', save],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let err = '';
    let sent = false;
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (!sent && err.includes('Epoch: [0][0/3]')) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((res) => child.on('exit', res));
    expect(code, err).toBe(130);
    const side = JSON.parse(readFileSync(join(save, 'checkpoint.resume.json'), 'utf8'));
    expect(side).toMatchObject({ epoch: 0, seed: 3 });
    expect(side.batch).toBeGreaterThanOrEqual(1);
    const r = run([
      ...common(),
      '--epochs',
      '1',
      '--save-path',
      save,
      '--resume',
      join(save, 'checkpoint.pth.tar'),
      '--resume-quantize',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(save, 'checkpoint.resume.json'))).toBe(false);
    expect(readHawqCheckpoint(await loadTorch(join(save, 'checkpoint.pth.tar'))).epoch).toBe(1);
  }, 600_000);

  it('fails with one line naming the flag or file', () => {
    const noData = run(['--epochs', '1']);
    expect(noData.code).not.toBe(0);
    expect(noData.stderr.trim()).toBe(
      'quant-train: --data is required (an ImageNet-layout folder with train/ and val/)',
    );
    const badScheme = run([
      ...common(),
      '--quant-scheme',
      'uniform5',
      '--save-path',
      join(root, 'x/'),
    ]);
    expect(badScheme.code).toBe(1);
    expect(badScheme.stderr).toMatch(/^quant-train: .*uniform5/m);
    expect(badScheme.stderr.trim().split('\n').at(-1)).toMatch(/uniform5/);
    const missing = run([
      ...common().map((a) => (a === data ? join(root, 'nope') : a)),
      '--save-path',
      join(root, 'y/'),
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(join(root, 'nope'));
    const scale = run([...common(), '--min-scale', '1.5', '--save-path', join(root, 'v/')]);
    expect(scale.code).toBe(1);
    expect(scale.stderr.trim().split('\n').at(-1)).toBe(
      'quant-train: --min-scale 1.5: must be in (0, 1]',
    );
    const resize = run([
      ...common(),
      '--input-size',
      '28',
      '--val-resize-size',
      '24',
      '--save-path',
      join(root, 'u/'),
    ]);
    expect(resize.code).toBe(1);
    expect(resize.stderr.trim().split('\n').at(-1)).toBe(
      'quant-train: --val-resize-size 24: must be an integer ≥ the crop size 28 (28 = no crop)',
    );
    const size = run([...common(), '--input-size', '300', '--save-path', join(root, 'z/')]);
    expect(size.stderr.trim()).toBe(
      'quant-train: --input-size 300: ResNets take 8..288 (224 = ImageNet, 28 = Fashion-MNIST)',
    );
    const mob = run([...common(), '-a', 'mobilenetv2_w1', '--save-path', join(root, 'w/')]);
    expect(mob.code).toBe(1);
    expect(mob.stderr.trim()).toMatch(/^quant-train: --arch mobilenetv2_w1: .*not implemented/);
  }, 300_000);
});
