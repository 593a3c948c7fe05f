// Every flag of HAWQ's quant_train.py with its name and meaning (hawq-spec §3), plus ours.
// Differences from HAWQ: -b defaults to 256 (what its help says), per-channel weights stay the
// default (--channel-wise accepted, --no-channel-wise turns it off), --checkpoint-iter is real.
import { Command, Option } from 'commander';
import { UsageError } from './errors.js';

export interface QuantTrainArgs {
  data: string | undefined;
  arch: string;
  teacherArch: string;
  workers: number;
  epochs: number;
  startEpoch: number;
  batchSize: number;
  lr: number;
  momentum: number;
  weightDecay: number;
  printFreq: number;
  resume: string;
  evaluate: boolean;
  pretrained: string | boolean;
  seed: number | undefined;
  actRangeMomentum: number;
  quantMode: string;
  savePath: string;
  dataPercentage: number;
  fixBN: boolean;
  fixBNThreshold: number | undefined;
  checkpointIter: number;
  evaluateTimes: number;
  quantScheme: string;
  resumeQuantize: boolean;
  actPercentile: number;
  weightPercentile: number;
  channelWise: boolean;
  biasBit: number;
  distillMethod: string;
  distillAlpha: number;
  temperature: number;
  fixedPointQuantization: boolean;
  // ours
  engine: string | undefined;
  backend: string | undefined;
  inputSize: number | undefined;
  minScale: number;
  valResizeSize: number | undefined;
  lrSchedule: 'step' | 'cosine';
  results: string | undefined;
  compareEngine: string | undefined;
  label: string | undefined;
  json: boolean;
  progress: boolean;
  teacherPretrained: string | undefined;
  numClasses: number | undefined;
  gpu: string | undefined;
}

function num(flag: string, integer = false) {
  return (v: string): number => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n))) {
      throw new UsageError(`${flag} ${v}: expected ${integer ? 'an integer' : 'a number'}`);
    }
    return n;
  };
}

export function buildProgram(): Command {
  return new Command('quant-train')
    .description("HAWQ-V3 quantization-aware training and evaluation (HAWQ's quant_train.py)")
    .option('--data <dir>', 'ImageNet-layout root with train/ and val/ (one folder per class)')
    .option('-a, --arch <arch>', 'model architecture (pytorchcv name)', 'resnet18')
    .option('--teacher-arch <arch>', 'teacher architecture for knowledge distillation', 'resnet101')
    .option('-j, --workers <n>', 'data loading worker threads', num('--workers', true), 4)
    .option('--epochs <n>', 'number of total epochs to run', num('--epochs', true), 90)
    .option(
      '--start-epoch <n>',
      'manual epoch number (useful on restarts)',
      num('--start-epoch', true),
      0,
    )
    .option(
      '-b, --batch-size <n>',
      'mini-batch size (HAWQ defaults to 1; its help says 256)',
      num('--batch-size', true),
      256,
    )
    .option('--lr, --learning-rate <lr>', 'initial learning rate', num('--lr'), 0.1)
    .option('--momentum <m>', 'SGD momentum', num('--momentum'), 0.9)
    .option(
      '--wd, --weight-decay <wd>',
      'weight decay (on every parameter, as HAWQ)',
      num('--wd'),
      1e-4,
    )
    .option('-p, --print-freq <n>', 'print frequency (batches)', num('--print-freq', true), 10)
    .option('--resume <file>', 'path to a checkpoint to resume from', '')
    .option('-e, --evaluate', 'evaluate the model on the validation set and exit', false)
    .option(
      '--pretrained [file]',
      'start from PyTorchCV float weights (a file, or the pytorchcv cache ~/.torch/models)',
    )
    .option(
      '--world-size <n>',
      'accepted for compatibility; only 1 process is supported',
      num('--world-size', true),
      -1,
    )
    .option('--rank <n>', 'accepted for compatibility', num('--rank', true), -1)
    .option('--dist-url <url>', 'accepted for compatibility', 'tcp://224.66.41.62:23456')
    .option('--dist-backend <name>', 'accepted for compatibility', 'nccl')
    .option(
      '--seed <n>',
      'seed for data order, augmentation and --data-percentage subsets',
      num('--seed', true),
    )
    .option('--gpu <id>', 'accepted for compatibility; use --backend')
    .option(
      '--multiprocessing-distributed',
      "not supported (single process, like HAWQ's README advises)",
      false,
    )
    .option(
      '--act-range-momentum <m>',
      'activation range EMA momentum; -1 = running global min/max',
      num('--act-range-momentum'),
      -1,
    )
    .option('--quant-mode <mode>', 'parsed for compatibility (HAWQ never uses it)', 'symmetric')
    .option('--save-path <dir>', 'where checkpoints and log.log go', 'checkpoints/imagenet/test/')
    .option(
      '--data-percentage <p>',
      'fraction of the training set to use (0 < p ≤ 1)',
      num('--data-percentage'),
      1,
    )
    .option('--fix-BN', 'train with BN folded and frozen running statistics', false)
    .option(
      '--fix-BN-threshold <n>',
      'fold BN after this many forwards',
      num('--fix-BN-threshold', true),
    )
    .option(
      '--checkpoint-iter <n>',
      'save a resumable checkpoint every N iterations (-1: only per epoch)',
      num('--checkpoint-iter', true),
      -1,
    )
    .option(
      '--evaluate-times <n>',
      'KD path: mid-epoch evaluations (-1: none)',
      num('--evaluate-times', true),
      -1,
    )
    .option(
      '--quant-scheme <scheme>',
      'bit config: uniform4|uniform8|bops_0.5|size0.5|…|file:config.json',
      'uniform4',
    )
    .option('--resume-quantize', 'the --resume checkpoint is a quantized (HAWQ) one', false)
    .option(
      '--act-percentile <p>',
      'activation clipping percentile (0 = none)',
      num('--act-percentile'),
      0,
    )
    .option(
      '--weight-percentile <p>',
      'weight clipping percentile (0 = none)',
      num('--weight-percentile'),
      0,
    )
    .option('--channel-wise', 'per-channel weight scales (the default)')
    .option('--no-channel-wise', 'per-tensor weight scales')
    .option('--bias-bit <n>', 'bias bit width', num('--bias-bit', true), 32)
    .addOption(
      new Option('--distill-method <m>', 'knowledge distillation')
        .choices(['None', 'KD_naive'])
        .default('None'),
    )
    .option('--distill-alpha <a>', 'weight of the distillation loss', num('--distill-alpha'), 0.95)
    .option('--temperature <t>', 'distillation temperature', num('--temperature'), 6)
    .option('--fixed-point-quantization', 'fixed-point requantization shortcut', false)
    .addOption(
      new Option(
        '--engine <engine>',
        'evaluation engine for -e (default ort with --resume-quantize; tfjs otherwise and for inceptionv3)',
      ).choices(['ort', 'ort-fast', 'ort-int8', 'tfjs']),
    )
    .option('--backend <name>', 'tfjs backend: wasm, cpu, tensorflow (HAWQ_BACKEND)')
    .option(
      '--input-size <px>',
      'crop size (ResNets: 8..288, default 224; inceptionv3: 299)',
      num('--input-size', true),
    )
    .option(
      '--val-resize-size <px>',
      'validation Resize before CenterCrop(--input-size) (default size·256/224; = --input-size: no crop)',
      num('--val-resize-size', true),
    )
    .option(
      '--min-scale <s>',
      'RandomResizedCrop lower area bound for training (torchvision and HAWQ: 0.08)',
      (v: string) => {
        const n = num('--min-scale')(v);
        if (!(n > 0 && n <= 1)) throw new UsageError(`--min-scale ${v}: must be in (0, 1]`);
        return n;
      },
      0.08,
    )
    .addOption(
      new Option('--lr-schedule <s>', 'step (×0.1 every 30 epochs, HAWQ) or cosine')
        .choices(['step', 'cosine'])
        .default('step'),
    )
    .option(
      '--results <file>',
      '-e: write the results JSON here (default <save-path>/eval_results.json)',
    )
    .addOption(
      new Option(
        '--compare-engine <engine>',
        '-e: also run this engine on every batch and record how often it disagrees',
      ).choices(['ort', 'ort-fast', 'ort-int8', 'tfjs']),
    )
    .option('--label <text>', '-e: row label in the results JSON (pnpm tables shows it)')
    .option('--json', '-e: print the results JSON on stdout', false)
    .option('--no-progress', 'no progress bars')
    .option('--teacher-pretrained <file>', 'teacher float weights (default: the pytorchcv cache)')
    .option(
      '--num-classes <n>',
      'classes of a freshly initialised model (default: from the data)',
      num('--num-classes', true),
    )
    .showHelpAfterError()
    .exitOverride();
}

/** Typed arguments with HAWQ's cross-flag checks. */
export function readArgs(program: Command): QuantTrainArgs {
  const o = program.opts();
  const a: QuantTrainArgs = {
    data: o['data'],
    arch: o['arch'],
    teacherArch: o['teacherArch'],
    workers: o['workers'],
    epochs: o['epochs'],
    startEpoch: o['startEpoch'],
    batchSize: o['batchSize'],
    lr: o['learningRate'],
    momentum: o['momentum'],
    weightDecay: o['weightDecay'],
    printFreq: o['printFreq'],
    resume: o['resume'],
    evaluate: o['evaluate'],
    pretrained: o['pretrained'] ?? false,
    seed: o['seed'],
    actRangeMomentum: o['actRangeMomentum'],
    quantMode: o['quantMode'],
    savePath: o['savePath'],
    dataPercentage: o['dataPercentage'],
    fixBN: o['fixBN'],
    fixBNThreshold: o['fixBNThreshold'],
    checkpointIter: o['checkpointIter'],
    evaluateTimes: o['evaluateTimes'],
    quantScheme: o['quantScheme'],
    resumeQuantize: o['resumeQuantize'],
    actPercentile: o['actPercentile'],
    weightPercentile: o['weightPercentile'],
    channelWise: o['channelWise'] ?? true,
    biasBit: o['biasBit'],
    distillMethod: o['distillMethod'],
    distillAlpha: o['distillAlpha'],
    temperature: o['temperature'],
    fixedPointQuantization: o['fixedPointQuantization'],
    engine: o['engine'],
    backend: o['backend'],
    inputSize: o['inputSize'],
    minScale: o['minScale'],
    valResizeSize: o['valResizeSize'],
    lrSchedule: o['lrSchedule'],
    results: o['results'],
    compareEngine: o['compareEngine'],
    label: o['label'],
    json: o['json'],
    progress: o['progress'],
    teacherPretrained: o['teacherPretrained'],
    numClasses: o['numClasses'],
    gpu: o['gpu'],
  };
  if (!a.data)
    throw new UsageError('--data is required (an ImageNet-layout folder with train/ and val/)');
  if (a.batchSize < 1) throw new UsageError(`--batch-size ${a.batchSize}: must be at least 1`);
  if (!(a.dataPercentage > 0 && a.dataPercentage <= 1)) {
    throw new UsageError(`--data-percentage ${a.dataPercentage}: must be in (0, 1]`);
  }
  if (o['multiprocessingDistributed'] || o['worldSize'] > 1) {
    throw new UsageError(
      '--multiprocessing-distributed / --world-size > 1: only single-process runs are supported',
    );
  }
  if (a.resumeQuantize && !a.resume)
    throw new UsageError('--resume-quantize needs --resume <checkpoint>');
  if (a.biasBit === 0 && a.fixBN) {
    throw new UsageError(
      '--bias-bit 0 with --fix-BN: folded BN needs a bias bit width (HAWQ crashes here)',
    );
  }
  if (a.printFreq < 1) throw new UsageError(`--print-freq ${a.printFreq}: must be at least 1`);
  if (a.quantMode !== 'symmetric' && a.quantMode !== 'asymmetric') {
    throw new UsageError(`--quant-mode ${a.quantMode}: use symmetric or asymmetric`);
  }
  return a;
}
