// The real ImageNet evaluation behind `tables --evaluate`: a zoo model's HAWQ checkpoint on the
// exact integer ORT graph (@hawq-ts/evaluator), the val/ split decoded by @hawq-ts/data with
// Resize(256) + CenterCrop(224), written as the evaluator's results JSON. Loaded lazily (see
// evaluator.ts) so `pnpm tables` never pays for onnxruntime and tfjs.
import { join } from 'node:path';
import { loadTorch, readHawqCheckpoint } from '@hawq-ts/checkpoint';
import { DataLoader, scanImageNetSplit } from '@hawq-ts/data';
import { createOrtEngine, evaluate, resultsFile, sha256OfFile } from '@hawq-ts/evaluator';
import type { EvaluateFn } from '@hawq-ts/report';
import { MANIFEST_FILE, readManifest, type ZooModel } from '@hawq-ts/zoo';

export interface ImagenetEvaluatorOptions {
  batchSize: number;
  workers: number;
}

/** Why a zoo model cannot be evaluated here, or null. */
export function cannotEvaluate(model: ZooModel): string | null {
  return model.bitConfig === null
    ? 'FP32 baseline: @hawq-ts/evaluator evaluates HAWQ quantized checkpoints only'
    : null;
}

export function imagenetEvaluator(opts: ImagenetEvaluatorOptions): EvaluateFn {
  return async (job) => {
    const manifest = await readManifest(join(job.modelDir, MANIFEST_FILE));
    const file = join(job.modelDir, manifest.checkpoint);
    const checkpoint = readHawqCheckpoint(await loadTorch(file), file);
    // opts.batchSize is the loader's; the engine keeps its own fastest chunking
    const engine = await createOrtEngine(checkpoint.stateDict, 'ort', {
      arch: job.model.arch,
      source: file,
    });
    const val = await scanImageNetSplit(job.dataDir, 'val');
    const loader = new DataLoader(val.samples, {
      batchSize: opts.batchSize,
      transform: { kind: 'eval', resize: 256, crop: 224 },
      workers: opts.workers,
    });
    try {
      const r = await evaluate(engine, loader, {
        numClasses: val.classes.length,
        total: loader.size,
        classNames: val.classes,
        label: job.model.name,
      });
      const out = resultsFile(r, {
        model: job.model.name,
        scheme: job.model.bitConfig ?? 'fp32',
        checkpoint: file,
        checkpointSha256: await sha256OfFile(file),
        dataset: val.root,
        engine: engine.name,
        inputSize: 224,
        batchSize: opts.batchSize,
      });
      // The evaluator's file type has no index signature; a copy is a plain EvalResult.
      return { ...out };
    } finally {
      await loader.close();
      await engine.dispose();
    }
  };
}
