import { SingleBar } from 'cli-progress';

/**
 * A progress bar of the Hutchinson loop on stderr: samples drawn (of at most max-iter) and the
 * layers whose running mean has not converged yet. Silent when stderr is not a terminal.
 */
export function hessianProgress(maxIter: number, layers: number) {
  const bar = new SingleBar({
    stream: process.stderr,
    format:
      'hessian |{bar}| {value}/{total} samples | {running}/{layers} layers running | {duration_formatted}',
    hideCursor: true,
  });
  bar.start(maxIter, 0, { running: layers, layers });
  return {
    update: (iteration: number, running: number) => bar.update(iteration, { running }),
    stop: () => bar.stop(),
  };
}
