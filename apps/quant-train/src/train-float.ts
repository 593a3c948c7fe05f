#!/usr/bin/env node
// `node apps/quant-train/dist/train-float.js`: train a float PyTorchCV-structured ResNet18 of any
// width from scratch (the float baseline of the Fashion-MNIST run; HAWQ itself starts from
// PyTorchCV's ImageNet weights). Optionally converts Debian's Fashion-MNIST first.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadTorch, stateDictOf } from '@hawq-ts/checkpoint';
import { initBackend, registerFastConv2dGradient } from '@hawq-ts/core';
import { convertFashionMnist, DataLoader } from '@hawq-ts/data';
import {
  type EvalResult,
  evaluate,
  resultsFile,
  sha256OfFile,
  writeJsonAtomic,
} from '@hawq-ts/evaluator';
import { createResNet, type FloatModel } from '@hawq-ts/models';
import { floatEngine, trainFloat } from '@hawq-ts/trainer';
import { Command, Option } from 'commander';
import { evalTransform, inputSizeFor, scanData } from './data.js';
import { reportError, UsageError } from './errors.js';

function int(flag: string) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n)) throw new UsageError(`${flag} ${v}: expected an integer`);
    return n;
  };
}
function num(flag: string) {
  return (v: string) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n))
      throw new UsageError(`${flag} ${v}: expected a number`);
    return n;
  };
}

/** The evaluator's results JSON of the float model: the last validation, or a fresh one. */
async function writeResults(
  model: FloatModel,
  val: DataLoader,
  weights: string,
  file: string,
  validated: EvalResult | null,
  o: {
    size: number;
    valResizeSize: number;
    width: number;
    batchSize: number;
    data: Awaited<ReturnType<typeof scanData>>;
    log: (l: string) => void;
    progress: boolean;
  },
): Promise<void> {
  const r =
    validated ??
    (await evaluate(floatEngine(model), val, {
      numClasses: o.data.classes.length,
      total: val.size,
      classNames: o.data.classes,
      progress: o.progress,
      label: 'eval float',
    }));
  o.log(` * float Acc@1 ${r.top1.toFixed(3)} Acc@5 ${r.top5.toFixed(3)} (${r.count} images)`);
  const out = resultsFile(r, {
    model: 'resnet18',
    scheme: 'fp32',
    checkpoint: weights,
    checkpointSha256: await sha256OfFile(weights),
    dataset: o.data.val.root,
    engine: 'tfjs',
    inputSize: o.size,
    valResizeSize: o.valResizeSize,
    batchSize: o.batchSize,
    arch: 'resnet18',
    numClasses: o.data.classes.length,
    channels: { init: o.width, stages: [o.width, 2 * o.width, 4 * o.width, 8 * o.width] },
    label: 'Floating Points',
    command: ['node apps/quant-train/dist/train-float.js', ...process.argv.slice(2)].join(' '),
  });
  await writeJsonAtomic(file, out);
  o.log(`results written to ${file}`);
}

async function main(argv: string[]): Promise<number> {
  const p = new Command('train-float')
    .description('train a float ResNet18-structured model from scratch (PyTorchCV layout)')
    .requiredOption('--data <dir>', 'ImageNet-layout root with train/ and val/')
    .option(
      '--fashion-mnist',
      "first convert Debian's Fashion-MNIST into --data (reused if present)",
      false,
    )
    .option(
      '--per-class <n>',
      'with --fashion-mnist: keep the first N images per class and split',
      int('--per-class'),
    )
    .requiredOption('--out <file>', 'float state_dict to write (PyTorch zip format)')
    .option(
      '--width <n>',
      'stage widths n, 2n, 4n, 8n (64 = torchvision ResNet18)',
      int('--width'),
      16,
    )
    .option('--epochs <n>', 'epochs', int('--epochs'), 3)
    .option('-b, --batch-size <n>', 'batch size', int('--batch-size'), 64)
    .option('--lr <lr>', 'initial learning rate', num('--lr'), 0.05)
    .option('--momentum <m>', 'SGD momentum', num('--momentum'), 0.9)
    .option('--wd, --weight-decay <wd>', 'weight decay', num('--wd'), 1e-4)
    .addOption(
      new Option('--lr-schedule <s>', 'learning-rate schedule')
        .choices(['step', 'cosine'])
        .default('cosine'),
    )
    .option('--input-size <px>', 'crop size (8..288; 28 = Fashion-MNIST)', int('--input-size'), 28)
    .option(
      '--val-resize-size <px>',
      'validation Resize before CenterCrop(--input-size) (default size·256/224; = --input-size: no crop)',
      int('--val-resize-size'),
    )
    .option(
      '--min-scale <s>',
      'RandomResizedCrop lower scale bound (torchvision: 0.08)',
      num('--min-scale'),
      0.5,
    )
    .option('--seed <n>', 'data order and augmentation seed', int('--seed'), 0)
    .option('-j, --workers <n>', 'decoding worker threads', int('--workers'), 2)
    .option('-p, --print-freq <n>', 'log every N batches', int('--print-freq'), 50)
    .option('--backend <name>', 'tfjs backend (default: best available)')
    .option(
      '--results <file>',
      "evaluate the final weights on val/ and write the evaluator's results JSON (for pnpm tables)",
    )
    .option(
      '--evaluate-only',
      'no training: evaluate the weights in --out (needs --results)',
      false,
    )
    .option('--no-progress', 'no progress bars')
    .exitOverride()
    .showHelpAfterError();
  p.parse(argv);
  const o = p.opts();
  const log = (l: string) => process.stderr.write(`${l}\n`);
  if (o['fashionMnist']) {
    const r = await convertFashionMnist({
      dest: o['data'],
      ...(o['perClass'] ? { perClass: o['perClass'] } : {}),
    });
    log(
      `Fashion-MNIST in ${r.dest}: ${r.train} train, ${r.val} val images${r.reused ? ' (reused)' : ''}`,
    );
  }
  const size = inputSizeFor('resnet18', o['inputSize']);
  const valTransform = evalTransform('resnet18', size, o['valResizeSize']);
  const data = await scanData(o['data'], true);
  const backend = await initBackend({ ...(o['backend'] ? { backend: o['backend'] } : {}), log });
  if (backend === 'wasm') registerFastConv2dGradient();
  const w: number = o['width'];
  const model = createResNet({
    arch: 'resnet18',
    bottleneck: false,
    layers: [2, 2, 2, 2],
    widths: [w, 2 * w, 4 * w, 8 * w],
    initChannels: w,
    conv1Stride: true,
    numClasses: data.classes.length,
  });
  const minScale: number = o['minScale'];
  if (!(minScale > 0 && minScale <= 1))
    throw new UsageError(`--min-scale ${minScale}: must be in (0, 1]`);
  const loader = new DataLoader(data.train!.samples, {
    batchSize: o['batchSize'],
    transform: { kind: 'train', crop: size, scale: [minScale, 1] },
    shuffle: true,
    seed: o['seed'],
    workers: o['workers'],
  });
  const val = new DataLoader(data.val.samples, {
    batchSize: o['batchSize'],
    transform: valTransform,
    workers: o['workers'],
  });
  if (o['evaluateOnly']) {
    if (!o['results']) throw new UsageError('--evaluate-only: give --results FILE');
    model.loadStateDict(stateDictOf(await loadTorch(o['out'])));
  }
  mkdirSync(dirname(o['out']), { recursive: true });
  try {
    let validated: EvalResult | null = null;
    if (!o['evaluateOnly']) {
      const t0 = performance.now();
      validated = await trainFloat(
        model,
        {
          seed: o['seed'],
          batchesPerEpoch: loader.length,
          size: loader.size,
          epoch: (e, from) => loader.epoch(e, from),
        },
        () => val,
        {
          epochs: o['epochs'],
          lr: o['lr'],
          momentum: o['momentum'],
          weightDecay: o['weightDecay'],
          schedule: o['lrSchedule'],
          numClasses: data.classes.length,
          classNames: data.classes,
          out: o['out'],
          printFreq: o['printFreq'],
          log,
          progress: o['progress'],
        },
      );
      const acc = validated
        ? `Acc@1 ${validated.top1.toFixed(3)} Acc@5 ${validated.top5.toFixed(3)}`
        : 'Acc@1 0.000 Acc@5 0.000';
      log(
        `float ${acc} in ${((performance.now() - t0) / 1000).toFixed(0)} s; weights in ${o['out']}`,
      );
    }
    if (o['results']) {
      await writeResults(model, val, o['out'], o['results'], validated, {
        size,
        valResizeSize: valTransform.resize,
        width: w,
        data,
        log,
        progress: o['progress'],
        batchSize: o['batchSize'],
      });
    }
  } finally {
    await Promise.all([loader.close(), val.close()]);
  }
  return 0;
}

try {
  process.exitCode = await main(process.argv);
} catch (err) {
  process.exitCode = reportError(err);
}
