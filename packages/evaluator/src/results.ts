// The results JSON the tables app reads. Written atomically (temp file + rename) so a reader
// never sees half a file.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { EngineComparison } from './compare.js';
import type { EngineName } from './engines.js';
import { EvaluatorError } from './errors.js';
import type { EvalResult } from './evaluate.js';

/**
 * Widths of a PyTorchCV-structured ResNet: the stem conv's output channels and each stage's
 * output channels (bottleneck ResNets: the expanded width, mid = width / 4). Full ResNet18 is
 * `{ init: 64, stages: [64, 128, 256, 512] }`, ResNet50 `{ init: 64, stages: [256, 512, 1024, 2048] }`.
 */
export interface ResNetChannels {
  init: number;
  stages: number[];
}

export interface EvalResultsFile {
  /** arch as given (e.g. resnet50) or a zoo model name */
  model: string;
  /** bit-config key or zoo scheme, e.g. uniform8, bops_0.5, fp32 */
  scheme: string;
  checkpoint: string | null;
  checkpointSha256: string | null;
  /** dataset root and split, e.g. /data/imagenet/val */
  dataset: string;
  count: number;
  top1: number;
  top5: number;
  engine: EngineName;
  /** wall-clock seconds of the evaluation loop */
  time: number;
  imagesPerSecond: number;
  perClass: EvalResult['perClass'];
  /** ISO date of the run */
  date: string;
  inputSize: number;
  batchSize: number;
  /** Resize (short side) before CenterCrop(inputSize); absent in files from before session 3. */
  valResizeSize?: number;
  // Optional since session 2 (older files lack them; readers fall back to `model` as the arch, the
  // full-width architecture, the scheme's built-in config and the dataset's usual class count).
  /** Architecture the evaluated model is structured as, e.g. 'resnet18' (`model` may be a zoo name). */
  arch?: string;
  /** Outputs of the model's classifier, e.g. 10 for Fashion-MNIST. */
  numClasses?: number;
  /** Widths when they are not the architecture's standard ones (a narrow ResNet18). */
  channels?: ResNetChannels;
  /** HAWQ module name → bits, when the scheme is not a built-in one (`--quant-scheme file:…`). */
  bitConfig?: Record<string, number>;
  /** The command line that ran the evaluation (results tables cite it). */
  command?: string;
  /** Free text for the row label of results tables, e.g. 'Hessian-ILP bops 0.5'. */
  label?: string;
  /** A second engine run on the same images (evaluate()'s `compare` option). */
  comparison?: EngineComparison;
}

export function resultsFile(
  r: EvalResult,
  meta: Omit<
    EvalResultsFile,
    'count' | 'top1' | 'top5' | 'time' | 'imagesPerSecond' | 'perClass' | 'date' | 'comparison'
  >,
): EvalResultsFile {
  checkMeta(meta);
  return {
    ...meta,
    count: r.count,
    top1: r.top1,
    top5: r.top5,
    time: r.seconds,
    imagesPerSecond: r.imagesPerSecond,
    perClass: r.perClass,
    date: new Date().toISOString(),
    ...(r.comparison ? { comparison: r.comparison } : {}),
  };
}

const positiveInt = (v: unknown) => Number.isInteger(v) && (v as number) > 0;

/** The optional descriptive fields must be usable by a reader: checked here, not discovered later. */
function checkMeta(meta: Pick<EvalResultsFile, 'numClasses' | 'channels' | 'bitConfig'>): void {
  if (meta.numClasses !== undefined && !positiveInt(meta.numClasses)) {
    throw new EvaluatorError(
      `results file: numClasses ${meta.numClasses} is not a positive integer`,
    );
  }
  const c = meta.channels;
  if (c && (!positiveInt(c.init) || c.stages.length === 0 || !c.stages.every(positiveInt))) {
    throw new EvaluatorError(
      `results file: channels ${JSON.stringify(c)} must be positive integers (init and at least one stage)`,
    );
  }
  for (const [name, bits] of Object.entries(meta.bitConfig ?? {})) {
    if (!positiveInt(bits) || bits > 32) {
      throw new EvaluatorError(`results file: bitConfig['${name}'] = ${bits} is not a bit width`);
    }
  }
}

export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`);
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

export async function sha256OfFile(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}
