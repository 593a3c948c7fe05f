import type { Tensor } from '@hawq-ts/checkpoint';
import { describeResNet, type LayerSpec } from '@hawq-ts/core';
import { type FloatModel, inferResNetSpec } from '@hawq-ts/models';
import type * as tf from '@tensorflow/tfjs';
import { LayerSelectionError } from './errors.js';

/** A quantizable layer of a loaded model: HAWQ/PyTorchCV description plus its tfjs weight. */
export interface QuantLayer {
  spec: LayerSpec;
  /** The weight variable (tfjs layout: HWIO for convs). */
  variable: tf.Variable;
  /** The weight in PyTorch layout (OIHW), float32, as in the state_dict. */
  weight: Float32Array;
}

// PyTorch's parameters() are the state_dict tensors minus BN buffers; ParamStore keeps both
// in state_dict order, so the i-th parameter key names the i-th trainable variable.
const BUFFER_SUFFIXES = ['.running_mean', '.running_var', '.num_batches_tracked'];

/**
 * The body convolutions of a PyTorchCV ResNet (the ILP's variables: every conv of every unit,
 * identity convs included; the stem conv and the FC are always 8-bit in HAWQ), named by HAWQ
 * module name and tied to the model's weight variables. `only` restricts to some HAWQ names.
 */
export function resnetBodyLayers(
  model: FloatModel,
  opts: { inputSize?: number; only?: readonly string[]; arch?: string } = {},
): QuantLayer[] {
  const sd = model.stateDict();
  const spec = inferResNetSpec(sd, opts.arch ? { arch: opts.arch } : {});
  const described = describeResNet(spec, opts.inputSize ?? 224).filter((l) =>
    /^stage\d+\.unit\d+\./.test(l.name),
  );
  const byVariable = variablesByName(model, sd);
  const layers = described.map((l) => {
    const key = `${l.pytorchcvName}.weight`;
    const variable = byVariable.get(key);
    const weight = sd.get(key);
    if (!variable || !weight) {
      throw new LayerSelectionError(`model has no weight '${key}' for HAWQ layer ${l.name}`);
    }
    return { spec: l, variable, weight: weight.toFloat32() };
  });
  if (!opts.only || opts.only.length === 0) return layers;
  const known = new Map(layers.map((l) => [l.spec.name, l]));
  return opts.only.map((name) => {
    const layer = known.get(name);
    if (!layer) {
      throw new LayerSelectionError(
        `no body conv '${name}' in this ${spec.arch} (layers are named like ${layers[0]!.spec.name})`,
      );
    }
    return layer;
  });
}

function variablesByName(
  model: FloatModel,
  sd: ReadonlyMap<string, Tensor>,
): Map<string, tf.Variable> {
  const keys = [...sd.keys()].filter((k) => !BUFFER_SUFFIXES.some((s) => k.endsWith(s)));
  const vars = model.trainableVariables();
  if (keys.length !== vars.length) {
    throw new LayerSelectionError(
      `${model.arch}: ${vars.length} trainable variables but ${keys.length} parameter keys in the state_dict`,
    );
  }
  const out = new Map<string, tf.Variable>();
  for (const [i, key] of keys.entries()) {
    const v = vars[i]!;
    const t = sd.get(key)!;
    if (v.size !== t.numel) {
      throw new LayerSelectionError(
        `${model.arch}: variable ${i} has ${v.size} elements but '${key}' has ${t.numel}`,
      );
    }
    out.set(key, v);
  }
  return out;
}
