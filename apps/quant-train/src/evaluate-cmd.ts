// -e: validate a model once and exit (HAWQ's `-e --resume CKPT --resume-quantize`), on the exact
// integer ORT graph by default, and write the results JSON for the tables app.
import { join } from 'node:path';
import { loadTorch, readHawqCheckpoint } from '@hawq-ts/checkpoint';
import {
  createOrtEngine,
  createTfjsEngine,
  evaluate,
  type InferenceEngine,
  parseEngineName,
  resultsFile,
  sha256OfFile,
  writeJsonAtomic,
} from '@hawq-ts/evaluator';
import type { QResNet } from '@hawq-ts/models';
import { type Datasets, valLoader } from './data.js';
import { UsageError } from './errors.js';
import type { Logger } from './log.js';
import type { QuantTrainArgs } from './options.js';

export async function runEvaluate(
  a: QuantTrainArgs,
  data: Datasets,
  size: number,
  buildTfjsModel: () => Promise<QResNet>,
  log: Logger,
): Promise<void> {
  const engineName = parseEngineName(a.engine ?? (a.resumeQuantize ? 'ort' : 'tfjs'));
  let engine: InferenceEngine;
  if (engineName === 'tfjs') {
    engine = createTfjsEngine(await buildTfjsModel());
  } else {
    if (!a.resume || !a.resumeQuantize) {
      throw new UsageError(
        `--engine ${engineName} evaluates a quantized checkpoint: pass --resume CKPT --resume-quantize (or --engine tfjs)`,
      );
    }
    const ckpt = readHawqCheckpoint(await loadTorch(a.resume), a.resume);
    engine = await createOrtEngine(ckpt.stateDict, engineName, {
      arch: a.arch,
      source: a.resume,
      batchSize: a.batchSize,
    });
  }
  const loader = valLoader(data.val, a.arch, size, a.batchSize, a.workers);
  try {
    log(
      `evaluating ${a.arch} ${a.quantScheme} on ${data.val.root} (${loader.size} images) with ${engine.name}`,
    );
    const r = await evaluate(engine, loader, {
      numClasses: data.classes.length,
      total: loader.size,
      classNames: data.classes,
      progress: a.progress,
      label: `eval ${engine.name}`,
    });
    log(` * Acc@1 ${r.top1.toFixed(3)} Acc@5 ${r.top5.toFixed(3)}`);
    log(
      `${r.count} images in ${r.seconds.toFixed(1)} s (${r.imagesPerSecond.toFixed(1)} images/s, decoding included)`,
    );
    const out = resultsFile(r, {
      model: a.arch,
      scheme: a.quantScheme,
      checkpoint: a.resume || null,
      checkpointSha256: a.resume ? await sha256OfFile(a.resume) : null,
      dataset: data.val.root,
      engine: engine.name,
      inputSize: size,
      batchSize: a.batchSize,
    });
    const file = a.results ?? join(a.savePath, 'eval_results.json');
    await writeJsonAtomic(file, out);
    log(`results written to ${file}`);
    if (a.json) process.stdout.write(`${JSON.stringify(out)}\n`);
  } finally {
    await loader.close();
    await engine.dispose();
  }
}
