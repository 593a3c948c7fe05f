// How each engine runs fastest on a CPU: images per session.run, and whether the chunks of a larger
// batch go to worker threads (OrtRunner `workers`; results are identical either way). Measured with
// ORT 1.30 on the 2-vCPU Xeon, 224², ResNet18, each configuration alone in its process:
// - exact: process CPU ms per image at 1 thread grows with the images per run (19.2/21.5/22.9 at
//   1/4/8: its float64 requant chains and im2col bytes fall out of the 2 MB L2 beyond one image),
//   so chunks of one image; its Round/Cast/Concat kernels are single-threaded, so batch 8 on two
//   worker threads × 1 thread runs at 105 img/s against 75.7 on one 2-thread session
//   (`pnpm bench deploy-profile`, `concurrency`). A lone image runs in-process on both threads;
// - int8: 7.9/7.5/7.6 ms per image at 1/4/8 per run on one thread; one 2-thread session over
//   chunks of 8 was faster than two workers (254 against 197–223 img/s), the float model likewise.
import { availableParallelism } from 'node:os';
import type { Engine } from './onnx/export-int.js';
import type { RunnerOptions } from './runner.js';

const POLICY: Readonly<Record<Engine | 'float', { batchSize: number; workers: boolean }>> = {
  exact: { batchSize: 1, workers: true },
  fast: { batchSize: 1, workers: true },
  int8: { batchSize: 8, workers: false },
  float: { batchSize: 8, workers: false },
};

/** OrtRunner chunking for `engine` with `threads` threads in all (default: every core). */
export function runOptionsFor(
  engine: Engine | 'float',
  threads = availableParallelism(),
): Required<Pick<RunnerOptions, 'batchSize' | 'workers' | 'intraOpThreads'>> {
  const p = POLICY[engine];
  return { batchSize: p.batchSize, workers: p.workers ? threads : 1, intraOpThreads: threads };
}
