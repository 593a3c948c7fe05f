// The files quant_train.py writes, in its exact dict layout (via @hawq-ts/checkpoint, atomic):
// checkpoint.pth.tar, model_best.pth.tar, quantized_checkpoint.pth.tar. A mid-epoch save
// (--checkpoint-iter, Ctrl-C) adds checkpoint.resume.json: the position inside the epoch and the
// data seed, which HAWQ's layout has no room for; it names the checkpoint's sha256 so a stale
// sidecar is never applied to another checkpoint.
import { createHash } from 'node:crypto';
import { copyFile, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  hawqCheckpoint,
  loadTorch,
  quantizedCheckpoint,
  readHawqCheckpoint,
  saveTorch,
  sgdParamGroup,
  type Tensor,
} from '@hawq-ts/checkpoint';
import { QuantBnConv2d } from '@hawq-ts/core';
import { exportStateDict, type QModel } from '@hawq-ts/models';
import { ResumeError } from './errors.js';
import type { Sgd } from './sgd.js';

export const CHECKPOINT_FILE = 'checkpoint.pth.tar';
export const BEST_FILE = 'model_best.pth.tar';
export const QUANTIZED_FILE = 'quantized_checkpoint.pth.tar';
export const RESUME_FILE = 'checkpoint.resume.json';

export interface CheckpointMeta {
  /** HAWQ's 'epoch' entry: epochs completed (epoch + 1 after an epoch) */
  epoch: number;
  arch: string;
  bestAcc1: number;
}

export function checkpointDict(model: QModel, opt: Sgd, meta: CheckpointMeta) {
  return hawqCheckpoint({
    epoch: meta.epoch,
    arch: meta.arch,
    stateDict: exportStateDict(model),
    bestAcc1: meta.bestAcc1,
    optimizer: {
      state: opt.state(),
      paramGroups: [
        sgdParamGroup({
          lr: opt.lr,
          momentum: opt.momentum,
          weight_decay: opt.weightDecay,
          params: opt.params.map((_, i) => i),
        }),
      ],
    },
  });
}

/** save_checkpoint(): checkpoint.pth.tar, copied to model_best.pth.tar when best. */
export async function saveEpochCheckpoint(
  dir: string,
  model: QModel,
  opt: Sgd,
  meta: CheckpointMeta,
  isBest: boolean,
): Promise<void> {
  const file = join(dir, CHECKPOINT_FILE);
  await saveTorch(file, checkpointDict(model, opt, meta));
  // an epoch boundary supersedes any mid-epoch position
  await rm(join(dir, RESUME_FILE), { force: true });
  if (isBest) await copyAtomic(file, join(dir, BEST_FILE));
}

/** validate()'s quantized_checkpoint.pth.tar: the five scale/integer groups of the state_dict. */
export async function saveQuantizedCheckpoint(dir: string, model: QModel): Promise<void> {
  await saveTorch(join(dir, QUANTIZED_FILE), quantizedCheckpoint(exportStateDict(model)));
}

export interface ResumePosition {
  /** the epoch to continue (0-based) and the next batch index inside it */
  epoch: number;
  batch: number;
  /** data seed of the run (shuffling and augmentation) */
  seed: number;
  bestAcc1: number;
  /** HAWQ's fix_BN_threshold counters per QuantBnConv2d, in module order */
  bnCounters: number[];
  checkpointSha256: string;
}

async function sha256(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}

/** Mid-epoch save: checkpoint.pth.tar (epoch = the unfinished epoch) plus the resume sidecar. */
export async function saveMidEpoch(
  dir: string,
  model: QModel,
  opt: Sgd,
  arch: string,
  pos: Omit<ResumePosition, 'checkpointSha256' | 'bnCounters'>,
  isBest = false,
): Promise<void> {
  const file = join(dir, CHECKPOINT_FILE);
  await saveTorch(
    file,
    checkpointDict(model, opt, { epoch: pos.epoch, arch, bestAcc1: pos.bestAcc1 }),
  );
  const sidecar: ResumePosition = {
    ...pos,
    bnCounters: model
      .namedModules()
      .flatMap(([, m]) => (m instanceof QuantBnConv2d ? [m.counter] : [])),
    checkpointSha256: await sha256(file),
  };
  const tmp = join(dir, `${RESUME_FILE}.tmp`);
  await writeFile(tmp, `${JSON.stringify(sidecar, null, 2)}\n`);
  await rename(tmp, join(dir, RESUME_FILE));
  if (isBest) await copyAtomic(file, join(dir, BEST_FILE));
}

async function copyAtomic(from: string, to: string): Promise<void> {
  const tmp = `${to}.tmp`;
  await copyFile(from, tmp);
  await rename(tmp, to);
}

export interface LoadedResume {
  stateDict: Map<string, Tensor>;
  arch: string;
  /** HAWQ's start_epoch (= the checkpoint's 'epoch') */
  epoch: number;
  bestAcc1: number;
  optimizerState: Map<number, Map<string, Tensor>>;
  lr: number | undefined;
  /** present when the checkpoint was written mid-epoch by this trainer */
  position: ResumePosition | undefined;
}

/** Read a checkpoint for --resume, with the mid-epoch sidecar next to it if it matches. */
export async function loadResume(file: string): Promise<LoadedResume> {
  let value: Awaited<ReturnType<typeof loadTorch>>;
  try {
    value = await loadTorch(file);
  } catch (e) {
    throw new ResumeError(`--resume ${file}: ${(e as Error).message}`);
  }
  const c = readHawqCheckpoint(value, file);
  let position: ResumePosition | undefined;
  const side = join(file, '..', RESUME_FILE);
  try {
    const p = JSON.parse(await readFile(side, 'utf8')) as ResumePosition;
    if (p.checkpointSha256 === (await sha256(file))) position = p;
  } catch {
    position = undefined; // no sidecar: an epoch-boundary checkpoint (or HAWQ's own)
  }
  return {
    stateDict: c.stateDict,
    arch: c.arch,
    epoch: c.epoch,
    bestAcc1: c.bestAcc1,
    optimizerState: c.optimizer.state,
    lr: c.optimizer.paramGroups[0]?.lr,
    position,
  };
}

/** Restore the fix_BN_threshold counters saved in a sidecar. */
export function restoreBnCounters(model: QModel, counters: readonly number[]): void {
  const convs = model.namedModules().flatMap(([, m]) => (m instanceof QuantBnConv2d ? [m] : []));
  if (counters.length !== convs.length) {
    throw new ResumeError(
      `${RESUME_FILE}: ${counters.length} BN counters for ${convs.length} QuantBnConv2d modules`,
    );
  }
  convs.forEach((m, i) => {
    m.counter = counters[i]!;
  });
}
