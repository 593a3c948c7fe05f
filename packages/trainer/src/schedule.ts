// Learning-rate schedules, set at the start of each epoch as quant_train.py does.
export type LrSchedule = 'step' | 'cosine';

/** quant_train.py's adjust_learning_rate: lr0 · 0.1^(epoch // 30). */
export function stepLr(lr0: number, epoch: number, stepEpochs = 30): number {
  return lr0 * 0.1 ** Math.floor(epoch / stepEpochs);
}

/** Cosine annealing over the run (our option): lr0 · (1 + cos(π·epoch/epochs)) / 2. */
export function cosineLr(lr0: number, epoch: number, epochs: number): number {
  return (lr0 * (1 + Math.cos((Math.PI * epoch) / Math.max(1, epochs)))) / 2;
}

export function lrAt(schedule: LrSchedule, lr0: number, epoch: number, epochs: number): number {
  return schedule === 'cosine' ? cosineLr(lr0, epoch, epochs) : stepLr(lr0, epoch);
}
