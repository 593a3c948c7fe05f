// Inference engines for evaluation. `ort` runs the exact integer ONNX graph from @hawq-ts/deploy
// (bit-exact with HAWQ), `ort-fast` the QLinearConv graph (approximate), `ort-int8` the all-int8
// graph (QLinearConv + QLinearAdd; fastest, 16-bit residuals held in 8 bits), `tfjs` the fake-quant
// Q-model forward that training uses (HAWQ's validate() in float32 tfjs arithmetic).
import type { Tensor } from '@hawq-ts/checkpoint';
import { exportIntegerOnnx, integerModelFromHawq, OrtRunner, runOptionsFor } from '@hawq-ts/deploy';
import { type QResNet, qResNetForward } from '@hawq-ts/models';
import * as tf from '@tensorflow/tfjs';
import { UnknownEngineError } from './errors.js';

export const ENGINE_NAMES = ['ort', 'ort-fast', 'ort-int8', 'tfjs'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];
export type OrtEngineName = Exclude<EngineName, 'tfjs'>;

const DEPLOY_ENGINE = { ort: 'exact', 'ort-fast': 'fast', 'ort-int8': 'int8' } as const;

export function parseEngineName(name: string): EngineName {
  if ((ENGINE_NAMES as readonly string[]).includes(name)) return name as EngineName;
  throw new UnknownEngineError(name, ENGINE_NAMES);
}

export interface InferenceEngine {
  readonly name: EngineName;
  /** Logits [N, classes] (row-major) of an NCHW float32 batch. */
  run(
    images: Float32Array,
    shape: readonly [number, number, number, number],
  ): Promise<Float32Array>;
  dispose(): Promise<void>;
}

export interface OrtEngineOptions {
  /** 'resnet50b' etc.: the b variants put the stride in the 3×3 conv (not visible in shapes). */
  arch?: string;
  source?: string;
  intraOpThreads?: number;
  executionProviders?: string[];
  batchSize?: number;
}

/** ORT on the integer graph built from a HAWQ state_dict (its integer buffers must be current). */
export async function createOrtEngine(
  stateDict: ReadonlyMap<string, Tensor>,
  engine: OrtEngineName,
  opts: OrtEngineOptions = {},
): Promise<InferenceEngine> {
  const model = integerModelFromHawq(stateDict, {
    ...(opts.arch ? { arch: opts.arch } : {}),
    source: opts.source ?? 'state_dict',
  });
  const onnx = exportIntegerOnnx(model, { engine: DEPLOY_ENGINE[engine] });
  // each engine runs in its fastest chunking (identical results) unless a chunk size is given
  const policy = runOptionsFor(DEPLOY_ENGINE[engine], opts.intraOpThreads);
  const runner = await OrtRunner.create(onnx, {
    ...policy,
    ...(opts.executionProviders ? { executionProviders: opts.executionProviders } : {}),
    ...(opts.batchSize ? { batchSize: opts.batchSize } : {}),
  });
  return {
    name: engine,
    async run(images, shape) {
      return (await runner.run(images, shape)).logits;
    },
    dispose: () => runner.dispose(),
  };
}

/**
 * The tfjs fake-quant forward of a Q-model, frozen like HAWQ's validate(): ranges do not move and
 * BN stays folded. The model is unfrozen again on dispose (the trainer keeps training it).
 */
export function createTfjsEngine(model: QResNet): InferenceEngine {
  model.freeze();
  return {
    name: 'tfjs',
    async run(images, shape) {
      const logits = tf.tidy(() => qResNetForward(model, tf.tensor4d(images, [...shape])));
      const out = (await logits.data()) as Float32Array;
      logits.dispose();
      return out;
    },
    async dispose() {
      model.unfreeze();
    },
  };
}
