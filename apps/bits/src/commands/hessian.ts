import { CheckpointError, loadTorch, stateDictOf } from '@hawq-ts/checkpoint';
import {
  BackendUnavailableError,
  InvalidBackendError,
  initBackend,
  RESNET_ARCHS,
} from '@hawq-ts/core';
import { DataError } from '@hawq-ts/data';
import {
  computeSensitivity,
  floatResNetFromStateDict,
  HessianError,
  PYHESSIAN_MAX_ITER,
  PYHESSIAN_TOL,
  resnetBodyLayers,
} from '@hawq-ts/hessian';
import { ModelInputError, StateDictError } from '@hawq-ts/models';
import type { Command } from 'commander';
import { FileError, UsageError } from '../errors.js';
import {
  evalTransform,
  fashionMnistBatch,
  imageFolderBatch,
  type LoadedBatch,
  type SplitName,
} from '../hessian/batch.js';
import { hessianProgress } from '../hessian/progress.js';
import { emit } from '../io.js';

interface HessianFlags {
  arch: string;
  checkpoint: string;
  data?: string;
  fashionMnist?: string;
  split: string;
  batchSize: string;
  chunkSize?: string;
  inputSize: string;
  valResizeSize?: string;
  maxIter: string;
  tol: string;
  seed: string;
  layers?: string;
  backend: string;
  output?: string;
}

function integer(text: string, flag: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || value < min || value > max) {
    throw new UsageError(`${flag} '${text}' is not an integer in [${min}, ${max}]`);
  }
  return value;
}

function positive(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) {
    throw new UsageError(`${flag} '${text}' is not a positive number`);
  }
  return value;
}

/** Library errors that concern one input, re-raised as one-line errors naming its flag. */
async function about<T>(flag: string, what: string, run: () => Promise<T> | T): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new FileError(`${flag} ${what}: no such file or folder`);
    if (
      error instanceof CheckpointError ||
      error instanceof StateDictError ||
      error instanceof ModelInputError ||
      error instanceof DataError ||
      error instanceof HessianError ||
      code !== undefined
    ) {
      const message = (error as Error).message;
      // Most library messages start with the path already; say it once.
      throw new FileError(
        message.startsWith(what) ? `${flag} ${message}` : `${flag} ${what}: ${message}`,
      );
    }
    throw error;
  }
}

export function registerHessian(program: Command): void {
  program
    .command('hessian')
    .description(
      'per-layer Hessian traces (Hutchinson) and 4/8-bit weight perturbations: the sensitivity JSON of `bits ilp`',
    )
    .requiredOption(
      '-a, --arch <arch>',
      `ResNet structure of the checkpoint: ${RESNET_ARCHS.join(', ')}`,
    )
    .requiredOption('--checkpoint <file>', 'PyTorchCV float state_dict (.pth) or a HAWQ checkpoint')
    .option('--data <dir>', 'ImageNet-layout folder (DIR/val, DIR/train) or one ImageFolder')
    .option('--fashion-mnist <dir>', 'Fashion-MNIST idx files instead of --data')
    .option('--split <split>', 'train or val (Fashion-MNIST: val = its test set)', 'val')
    .option('--batch-size <n>', 'images in the batch the Hessian is computed on', '32')
    .option('--chunk-size <n>', 'images per double backprop (memory; result unchanged)', '4')
    .option('--input-size <px>', 'crop size, 8..288 (224 = ImageNet, 28 = Fashion-MNIST)', '224')
    .option(
      '--val-resize-size <px>',
      "Resize before CenterCrop(--input-size), as quant-train's (default size·256/224; = --input-size: no crop)",
    )
    .option('--max-iter <n>', 'at most this many Rademacher samples', String(PYHESSIAN_MAX_ITER))
    .option(
      '--tol <t>',
      'stop a layer when its running mean changes by less than t (relative)',
      String(PYHESSIAN_TOL),
    )
    .option('--seed <n>', 'seed of the batch choice and of the Rademacher vectors', '0')
    .option('--layers <names>', 'comma-separated HAWQ layer names (default: all body convs)')
    .option('--backend <name>', 'auto, wasm, cpu, tensorflow, tensorflow-gpu', 'auto')
    .option('-o, --output <file>', 'write the JSON to FILE (atomically) instead of stdout')
    .action(async (flags: HessianFlags) => {
      if (!(RESNET_ARCHS as readonly string[]).includes(flags.arch)) {
        throw new UsageError(`--arch '${flags.arch}': use ${RESNET_ARCHS.join(', ')}`);
      }
      if ((flags.data === undefined) === (flags.fashionMnist === undefined)) {
        throw new UsageError('give exactly one of --data DIR and --fashion-mnist DIR');
      }
      if (flags.split !== 'train' && flags.split !== 'val') {
        throw new UsageError(`--split '${flags.split}': use train or val`);
      }
      const split: SplitName = flags.split;
      const batchSize = integer(flags.batchSize, '--batch-size', 1);
      const chunkSize = integer(flags.chunkSize ?? '4', '--chunk-size', 1);
      const inputSize = integer(flags.inputSize, '--input-size', 8, 288);
      const valResize =
        flags.valResizeSize === undefined
          ? undefined
          : integer(flags.valResizeSize, '--val-resize-size', inputSize, 4096);
      const maxIter = integer(flags.maxIter, '--max-iter', 1);
      const tol = positive(flags.tol, '--tol');
      const seed = integer(flags.seed, '--seed', 0, 2 ** 32 - 1);
      const layers = flags.layers
        ?.split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0);

      const backend = await initBackend({
        backend: flags.backend,
        log: (line) => process.stderr.write(`${line}\n`),
      }).catch((error: unknown) => {
        if (error instanceof InvalidBackendError || error instanceof BackendUnavailableError) {
          throw new UsageError(`--backend: ${error.message}`);
        }
        throw error;
      });

      const model = await about('--checkpoint', flags.checkpoint, async () =>
        floatResNetFromStateDict(stateDictOf(await loadTorch(flags.checkpoint)), flags.arch),
      );
      try {
        if (layers !== undefined) {
          const known = new Set(resnetBodyLayers(model, { inputSize }).map((l) => l.spec.name));
          const unknown = layers.filter((name) => !known.has(name));
          if (unknown.length > 0 || layers.length === 0) {
            throw new UsageError(
              `--layers: ${unknown.join(', ') || '(empty)'} ${unknown.length === 1 ? 'is not a body conv' : 'are not body convs'} of ${flags.arch} (e.g. ${[...known][0]})`,
            );
          }
        }
        const loaded: LoadedBatch =
          flags.data !== undefined
            ? await about('--data', flags.data, () =>
                imageFolderBatch(flags.data!, split, batchSize, inputSize, seed, valResize),
              )
            : await about('--fashion-mnist', flags.fashionMnist!, () =>
                fashionMnistBatch(
                  flags.fashionMnist!,
                  split,
                  batchSize,
                  inputSize,
                  seed,
                  valResize,
                ),
              );
        const maxLabel = loaded.batch.labels.reduce((m, l) => Math.max(m, l), 0);
        if (maxLabel >= model.numClasses) {
          throw new FileError(
            `${flags.data ? '--data' : '--fashion-mnist'} ${loaded.source}: class index ${maxLabel} but the checkpoint's FC has ${model.numClasses} outputs`,
          );
        }
        const started = Date.now();
        const progress = hessianProgress(maxIter, layers?.length ?? resnetBodyLayers(model).length);
        const result = await about('--checkpoint', flags.checkpoint, () => {
          try {
            return computeSensitivity(model, loaded.batch, {
              arch: flags.arch,
              maxIter,
              tol,
              seed,
              chunkSize,
              ...(layers ? { layers } : {}),
              onIteration: progress.update,
            });
          } finally {
            progress.stop();
          }
        });
        const seconds = (Date.now() - started) / 1000;
        const samples = Math.max(...result.traces.map((t) => t.samples));
        const converged = result.traces.filter((t) => t.converged).length;
        process.stderr.write(
          `bits hessian: ${result.traces.length} layers, ${samples} samples, ${converged} converged (tol ${tol}), batch ${loaded.batch.shape[0]}, ${seconds.toFixed(1)} s on ${backend}${result.fullWidth ? '' : '; latencies omitted (not the full-width arch)'}\n`,
        );
        const doc = {
          ...result.report,
          hutchinson: {
            checkpoint: flags.checkpoint,
            data: loaded.source,
            split,
            batchSize: loaded.batch.shape[0],
            inputSize,
            valResizeSize: evalTransform(inputSize, valResize).resize,
            seed,
            maxIter,
            tol,
            samples: Object.fromEntries(result.traces.map((t) => [t.name, t.samples])),
          },
        };
        await emit(`${JSON.stringify(doc, null, 2)}\n`, flags.output);
      } finally {
        model.dispose();
      }
    });
}
