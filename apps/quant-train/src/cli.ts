#!/usr/bin/env node
// `pnpm quant-train …`: HAWQ's quant_train.py — QAT of a PyTorchCV ResNet or InceptionV3 to a
// HAWQ bit config, or `-e` evaluation of a checkpoint.
import { mkdirSync } from 'node:fs';
import { initBackend, registerFastConv2dGradient } from '@hawq-ts/core';
import { PYTORCHCV_ARCHS } from '@hawq-ts/models';
import { evalTransform, inputSizeFor, scanData } from './data.js';
import { reportError, UsageError } from './errors.js';
import { engineFor, runEvaluate } from './evaluate-cmd.js';
import { createLogger } from './log.js';
import { buildModel, checkArch, checkInputSize, resolveScheme } from './model.js';
import { buildProgram, readArgs } from './options.js';
import { runTrain } from './train-cmd.js';
import { resolveZooResume } from './zoo.js';

async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  program.parse(argv);
  const a = readArgs(program);
  const zoo = await resolveZooResume(a, program);
  checkArch(a.arch);
  if (a.distillMethod === 'KD_naive') checkTeacher(a.teacherArch);
  const size = inputSizeFor(a.arch, a.inputSize);
  evalTransform(a.arch, size, a.valResizeSize); // a bad --val-resize-size fails before any work
  mkdirSync(a.savePath, { recursive: true });
  const log = createLogger(a.savePath);
  if (zoo)
    log(`--resume ${zoo.name}: ${zoo.checkpoint} (-a ${a.arch}, --quant-scheme ${a.quantScheme})`);
  if (a.gpu !== undefined) log(`--gpu ${a.gpu}: ignored (use --backend)`);
  const data = await scanData(a.data!, !a.evaluate);
  const numClasses = a.numClasses ?? data.classes.length;
  const needsTfjs = !a.evaluate || engineFor(a) === 'tfjs';
  if (needsTfjs) {
    const backend = await initBackend({ ...(a.backend ? { backend: a.backend } : {}), log });
    if (backend === 'wasm') registerFastConv2dGradient();
  }
  const build = async () => {
    const bits = resolveScheme(a.arch, a.quantScheme);
    const built = await buildModel(a, bits, numClasses);
    checkInputSize(built.model, size);
    log(
      `${built.model.className} from ${built.source}, ${a.quantScheme}, ${a.channelWise ? 'per-channel' : 'per-tensor'} weights`,
    );
    if (bits.hooks.size > 0) {
      // HAWQ registers hook_fn_forward on these, a function it never defines (NameError)
      log(
        `${bits.hooks.size} (bits, 'hook') entr${bits.hooks.size === 1 ? 'y' : 'ies'} of the bit config set bits only (HAWQ's hook is undefined)`,
      );
    }
    return built;
  };
  if (a.evaluate) {
    await runEvaluate(a, data, size, async () => (await build()).model, log);
    return 0;
  }
  const built = await build();
  return runTrain(a, data, size, built.model, built.resume, log);
}

function checkTeacher(arch: string): void {
  if (!(PYTORCHCV_ARCHS as readonly string[]).includes(arch)) {
    throw new UsageError(`--teacher-arch ${arch}: use one of ${PYTORCHCV_ARCHS.join(', ')}`);
  }
}

try {
  process.exitCode = await main(process.argv);
} catch (err) {
  process.exitCode = reportError(err);
}
