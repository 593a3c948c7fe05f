// What each extracted file holds, judged by name (deeper checks read the checkpoint: see
// @hawq-ts/checkpoint), and the rule that an archive must hold a checkpoint for its model.
import { MissingCheckpointError } from '../errors.js';

export type FileKind =
  | 'hawq-checkpoint'
  | 'hawq-quantized-checkpoint'
  | 'pytorchcv-weights'
  | 'other';

export function fileKind(relativePath: string): FileKind {
  const base = relativePath.slice(relativePath.lastIndexOf('/') + 1);
  if (base === 'checkpoint.pth.tar') return 'hawq-checkpoint';
  if (base === 'quantized_checkpoint.pth.tar') return 'hawq-quantized-checkpoint';
  if (base.endsWith('.pth') || base.endsWith('.pth.tar')) return 'pytorchcv-weights';
  return 'other';
}

/**
 * The file a model is loaded from: a quantized model needs HAWQ's `checkpoint.pth.tar`; a FP32
 * baseline holds PyTorchCV weights, so any checkpoint kind will do (HAWQ's first if present).
 * Shallowest path wins, so a stray copy in a sub-folder does not shadow the main one.
 */
export function primaryCheckpoint(
  files: { path: string; kind: FileKind }[],
  opts: { archive: string; model: string; baseline: boolean },
): string {
  const depth = (p: string) => p.split('/').length;
  const order: FileKind[] = opts.baseline
    ? ['hawq-checkpoint', 'pytorchcv-weights', 'hawq-quantized-checkpoint']
    : ['hawq-checkpoint'];
  for (const kind of order) {
    const hit = files
      .filter((f) => f.kind === kind)
      .sort((a, b) => depth(a.path) - depth(b.path))[0];
    if (hit) return hit.path;
  }
  throw new MissingCheckpointError(
    opts.archive,
    opts.model,
    opts.baseline ? 'checkpoint (.pth / .pth.tar)' : 'checkpoint.pth.tar',
    files.map((f) => f.path),
  );
}
