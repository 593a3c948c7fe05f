// -e: validate a model once and exit (HAWQ's `-e --resume CKPT --resume-quantize`), on the exact
// integer ORT graph by default (tfjs for inceptionv3, which @hawq-ts/deploy cannot export), and
// write the results JSON for the tables app.
import { join } from 'node:path';
import { loadTorch, readHawqCheckpoint } from '@hawq-ts/checkpoint';
import {
  createOrtEngine,
  evaluate,
  type InferenceEngine,
  parseEngineName,
  resultsFile,
  sha256OfFile,
  writeJsonAtomic,
} from '@hawq-ts/evaluator';
import { type QModel, specFromShapes } from '@hawq-ts/models';
import { createQModelEngine, isInceptionArch, isInceptionStateDict } from '@hawq-ts/trainer';
import { type Datasets, evalTransform, valLoader } from './data.js';
import {
  bitConfigObject,
  describeQModel,
  describeQResNet,
  type ModelDescription,
} from './describe.js';
import { UsageError } from './errors.js';
import type { Logger } from './log.js';
import { resolveScheme } from './model.js';
import type { QuantTrainArgs } from './options.js';

/** --engine, or its default: ORT for a quantized ResNet checkpoint, otherwise tfjs. */
export function engineFor(a: Pick<QuantTrainArgs, 'engine' | 'resumeQuantize' | 'arch'>): string {
  return a.engine ?? (a.resumeQuantize && !isInceptionArch(a.arch) ? 'ort' : 'tfjs');
}

function noOrtInception(engine: string, what: string): UsageError {
  return new UsageError(
    `--engine ${engine}: ${what} is an InceptionV3, which @hawq-ts/deploy cannot export to ONNX (ResNets only); use --engine tfjs`,
  );
}

export async function runEvaluate(
  a: QuantTrainArgs,
  data: Datasets,
  size: number,
  buildTfjsModel: () => Promise<QModel>,
  log: Logger,
): Promise<void> {
  const engineName = parseEngineName(engineFor(a));
  let engine: InferenceEngine;
  let described: ModelDescription | undefined;
  if (engineName === 'tfjs') {
    const model = await buildTfjsModel();
    described = describeQModel(model);
    engine = createQModelEngine(model);
  } else {
    if (isInceptionArch(a.arch)) throw noOrtInception(engineName, `-a ${a.arch}`);
    if (!a.resume || !a.resumeQuantize) {
      throw new UsageError(
        `--engine ${engineName} evaluates a quantized checkpoint: pass --resume CKPT --resume-quantize (or --engine tfjs)`,
      );
    }
    const ckpt = readHawqCheckpoint(await loadTorch(a.resume), a.resume);
    if (isInceptionStateDict(ckpt.stateDict)) throw noOrtInception(engineName, a.resume);
    const sd = ckpt.stateDict;
    described = describeQResNet(
      specFromShapes([...sd.keys()], (k) => sd.get(k)?.shape, 'hawq', { source: a.resume }),
    );
    // the loader's batch size is not the engine's: each engine runs its own fastest chunking
    engine = await createOrtEngine(ckpt.stateDict, engineName, { arch: a.arch, source: a.resume });
  }
  const compare = a.compareEngine
    ? await compareEngine(a, parseEngineName(a.compareEngine), buildTfjsModel)
    : undefined;
  const valResizeSize = evalTransform(a.arch, size, a.valResizeSize).resize;
  const loader = valLoader(data.val, a.arch, size, a.batchSize, a.workers, valResizeSize);
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
      ...(compare ? { compare } : {}),
    });
    log(` * Acc@1 ${r.top1.toFixed(3)} Acc@5 ${r.top5.toFixed(3)}`);
    log(
      `${r.count} images in ${r.seconds.toFixed(1)} s (${r.imagesPerSecond.toFixed(1)} images/s, decoding included)`,
    );
    const c = r.comparison;
    if (c) {
      log(
        `${c.engine} vs ${c.reference}: Acc@1 ${c.top1.toFixed(3)} (${c.top1Difference >= 0 ? '+' : ''}${c.top1Difference.toFixed(3)}), argmax differs on ${c.argmaxDisagreements}/${c.count} images, max |Δlogit| ${(c.maxRelLogitDifference * 100).toFixed(2)} % of max |logit|`,
      );
    }
    const out = resultsFile(r, {
      model: a.arch,
      scheme: a.quantScheme,
      checkpoint: a.resume || null,
      checkpointSha256: a.resume ? await sha256OfFile(a.resume) : null,
      dataset: data.val.root,
      engine: engine.name,
      inputSize: size,
      valResizeSize,
      batchSize: a.batchSize,
      arch: a.arch,
      ...described,
      ...(a.quantScheme.startsWith('file:')
        ? { bitConfig: bitConfigObject(resolveScheme(a.arch, a.quantScheme)) }
        : {}),
      ...(a.label ? { label: a.label } : {}),
      command: ['pnpm quant-train', ...process.argv.slice(2)].join(' '),
    });
    const file = a.results ?? join(a.savePath, 'eval_results.json');
    await writeJsonAtomic(file, out);
    log(`results written to ${file}`);
    if (a.json) process.stdout.write(`${JSON.stringify(out)}\n`);
  } finally {
    await loader.close();
    await engine.dispose();
    await compare?.dispose();
  }
}

/** --compare-engine: a second engine run on the same batches (e.g. ort-int8 against the exact ort). */
async function compareEngine(
  a: QuantTrainArgs,
  name: ReturnType<typeof parseEngineName>,
  buildTfjsModel: () => Promise<QModel>,
): Promise<InferenceEngine> {
  if (name === 'tfjs') return createQModelEngine(await buildTfjsModel());
  if (isInceptionArch(a.arch)) throw noOrtInception(name, `-a ${a.arch}`);
  if (!a.resume || !a.resumeQuantize) {
    throw new UsageError(
      `--compare-engine ${name} runs a quantized checkpoint: pass --resume CKPT --resume-quantize`,
    );
  }
  const ckpt = readHawqCheckpoint(await loadTorch(a.resume), a.resume);
  return createOrtEngine(ckpt.stateDict, name, { arch: a.arch, source: a.resume });
}
