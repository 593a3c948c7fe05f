import { RESNET_ARCHS, resnetSpec } from '@hawq-ts/core';
import { type FloatModel, inferResNetSpec } from '@hawq-ts/models';
import * as tf from '@tensorflow/tfjs';
import { HessianOptionError, LayerSelectionError } from './errors.js';
import { type HutchinsonOptions, hutchinsonTraces, type LayerTrace } from './hutchinson.js';
import { hawqLatencies } from './latency.js';
import { resnetBodyLayers } from './layers.js';
import { crossEntropy } from './loss.js';
import { quantPerturbation } from './perturbation.js';
import { registerSecondOrderGradients } from './second-order.js';

/** One layer of the per-layer sensitivity JSON that `pnpm bits ilp --sensitivity` reads. */
export interface SensitivityEntry {
  name: string;
  /** Hutchinson trace / #params (HAWQ's `Hutchinson_trace`). */
  trace: number;
  delta4: number;
  delta8: number;
  params: number;
  macs: number;
  latencyInt4?: number;
  latencyInt8?: number;
}

export interface SensitivityReport {
  arch: string;
  layers: SensitivityEntry[];
}

/** An NCHW float32 image batch (normalised as for training) and its labels. */
export interface DataBatch {
  images: Float32Array;
  shape: readonly [number, number, number, number];
  labels: Int32Array;
}

export interface SensitivityOptions extends HutchinsonOptions {
  /** The HAWQ arch whose module names and ILP the model follows (resnet18, resnet50, …). */
  arch: string;
  /** Restrict to these HAWQ layer names (default: every body conv). */
  layers?: readonly string[];
  /**
   * Images per double backprop (default: the whole batch). The batch's mean loss is the weighted
   * sum of the chunks' mean losses, so the result does not depend on it; memory does.
   */
  chunkSize?: number;
}

export interface SensitivityResult {
  report: SensitivityReport;
  traces: LayerTrace[];
  /** Whether the model has the arch's standard widths (latencies are included only then). */
  fullWidth: boolean;
}

/**
 * Per-layer sensitivities of a PyTorchCV ResNet for HAWQ's ILP: Hutchinson traces of the loss
 * Hessian on `batch` (model in eval mode: BN uses its running statistics) and the 4/8-bit weight
 * perturbations. The model's structure (block type, units per stage) must be `arch`'s; widths
 * may differ (then HAWQ's measured latencies, which are per full-width layer, are omitted).
 */
export function computeSensitivity(
  model: FloatModel,
  batch: DataBatch,
  options: SensitivityOptions,
): SensitivityResult {
  const { arch } = options;
  if (!(RESNET_ARCHS as readonly string[]).includes(arch)) {
    throw new LayerSelectionError(`arch '${arch}' is not one of ${RESNET_ARCHS.join(', ')}`);
  }
  const want = resnetSpec(arch);
  const have = inferResNetSpec(model.stateDict(), { arch });
  if (have.bottleneck !== want.bottleneck || have.layers.join() !== want.layers.join()) {
    throw new LayerSelectionError(
      `the model has ${have.bottleneck ? 'bottleneck' : 'basic'} units [${have.layers.join(', ')}], not ${arch}'s [${want.layers.join(', ')}]`,
    );
  }
  const fullWidth =
    have.initChannels === want.initChannels && have.widths.join() === want.widths.join();
  const inputSize = batch.shape[2];
  const layers = resnetBodyLayers(model, {
    arch,
    inputSize,
    ...(options.layers ? { only: options.layers } : {}),
  });
  registerSecondOrderGradients();
  const chunks = splitBatch(batch, options.chunkSize ?? batch.shape[0]);
  try {
    const parts = chunks.map((c) => ({
      loss: () => crossEntropy(model.forward(c.images, false), c.labels),
      weight: c.labels.length / batch.labels.length,
    }));
    const traces = hutchinsonTraces(
      parts,
      layers.map((l) => ({ name: l.spec.name, variable: l.variable })),
      options,
    );
    const latencies = fullWidth && inputSize === 224 ? hawqLatencies(arch) : undefined;
    const entries = layers.map((l, i): SensitivityEntry => {
      const latency = latencies?.get(l.spec.name);
      return {
        name: l.spec.name,
        trace: traces[i]!.tracePerParam,
        delta4: quantPerturbation(l.weight, l.spec.outChannels, 4),
        delta8: quantPerturbation(l.weight, l.spec.outChannels, 8),
        params: l.spec.params,
        macs: l.spec.macs,
        ...(latency ? { latencyInt4: latency.int4, latencyInt8: latency.int8 } : {}),
      };
    });
    return { report: { arch, layers: entries }, traces, fullWidth };
  } finally {
    tf.dispose(chunks.map((c) => c.images));
  }
}

function splitBatch(
  batch: DataBatch,
  chunkSize: number,
): { images: tf.Tensor4D; labels: Int32Array }[] {
  const [n, c, h, w] = batch.shape;
  if (!Number.isInteger(chunkSize) || chunkSize < 1) {
    throw new HessianOptionError(`chunk size ${chunkSize} is not a positive integer`);
  }
  if (n < 1 || batch.labels.length !== n || batch.images.length !== n * c * h * w) {
    throw new HessianOptionError(
      `batch of shape [${batch.shape.join(', ')}] has ${batch.images.length} values and ${batch.labels.length} labels`,
    );
  }
  const per = c * h * w;
  const out: { images: tf.Tensor4D; labels: Int32Array }[] = [];
  for (let start = 0; start < n; start += chunkSize) {
    const end = Math.min(n, start + chunkSize);
    out.push({
      images: tf.tensor4d(batch.images.subarray(start * per, end * per), [end - start, c, h, w]),
      labels: batch.labels.subarray(start, end),
    });
  }
  return out;
}
