// How each engine runs fastest on a CPU: images per session.run, and whether the chunks of a larger
// batch go to worker threads (OrtRunner `workers`; results are identical either way). Measured with
// ORT 1.30 on the 2-vCPU Xeon, 224², ResNet18, each configuration alone in its process:
// - exact, process CPU ms per image at 1 thread, batch 1/4/8 in one run: 19.2/21.5/22.9 (its
//   float64 requant chains and im2col bytes fall out of the 2 MB L2 beyond one image), so chunks of
//   one image; and its Round/Cast/Concat kernels are single-threaded, so batch 8 as two worker
//   threads × 1 thread reaches 95–98 img/s against 73 for one 2-thread session (ResNet50: 27.9 vs
//   19.4). A lone image still runs in-process on both threads (14.1 ms);
// - int8: 7.9/7.5/7.6 ms per image at batch 1/4/8 on one thread; one 2-thread session over chunks
//   of 8 gives 254 img/s, two workers 197–223, so no workers; the float model likewise (83.5 vs 69.6).
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
