// Loading float PyTorchCV weights into a Q_ResNet: HAWQ's name mapping (the Q-model reuses the
// float conv/bn modules and copies the Linear), and the positional `--resume` semantics.
import type { Tensor } from '@hawq-ts/checkpoint';
import { QModelError } from './errors.js';
import type { QResNet } from './q-resnet.js';
import { loadHawqStateDict } from './state-dict.js';

/** PyTorchCV float key → HAWQ Q-model key (without `module.`), or undefined if it has none. */
export function hawqNameOf(floatKey: string, initConv: string): string | undefined {
  let m = /^features\.init_block\.conv\.(conv|bn)\.(.+)$/.exec(floatKey);
  if (m) return `${initConv}.${m[1]}.${m[2]}`;
  m = /^features\.(stage\d+\.unit\d+)\.body\.conv(\d)\.(conv|bn)\.(.+)$/.exec(floatKey);
  if (m) return `${m[1]}.quant_convbn${m[2]}.${m[3]}.${m[4]}`;
  m = /^features\.(stage\d+\.unit\d+)\.identity_conv\.(conv|bn)\.(.+)$/.exec(floatKey);
  if (m) return `${m[1]}.quant_identity_convbn.${m[2]}.${m[3]}`;
  m = /^output\.(weight|bias)$/.exec(floatKey);
  if (m) return `quant_output.${m[1]}`;
  return undefined;
}

/** Copy a PyTorchCV float state_dict into the model's conv/bn/linear parameters. */
export function loadFloatStateDict(
  model: QResNet,
  sd: ReadonlyMap<string, Tensor>,
  source = 'state_dict',
): void {
  const mapped = new Map<string, Tensor>();
  const unknown: string[] = [];
  for (const [k, t] of sd) {
    const name = hawqNameOf(k, model.initConv.name);
    if (name) mapped.set(name, t);
    else unknown.push(k);
  }
  if (unknown.length > 0) {
    throw new QModelError(
      `${source}: ${unknown.length} key(s) are not PyTorchCV ResNet names, e.g. ${unknown.slice(0, 3).join(', ')}`,
    );
  }
  loadHawqStateDict(model, mapped, { source });
}

/** Substrings `--resume` (without `--resume-quantize`) drops from the checkpoint (hawq-spec §3). */
const RESUME_DROPPED = ['scaling_factor', 'num_batches_tracked', 'weight_integer', 'min', 'max'];

/**
 * HAWQ's positional `--resume`: drop keys containing scaling_factor / num_batches_tracked /
 * weight_integer / min / max, then assign the remaining values in order onto the float model's
 * keys (without num_batches_tracked). HAWQ does this silently; here a count or shape mismatch
 * is an error instead of a misassigned tensor.
 */
export function positionalResume(
  checkpoint: ReadonlyMap<string, Tensor>,
  floatKeys: readonly { key: string; shape: readonly number[] }[],
  source = 'checkpoint',
): Map<string, Tensor> {
  const values = [...checkpoint].filter(([k]) => !RESUME_DROPPED.some((d) => k.includes(d)));
  const targets = floatKeys.filter((t) => !t.key.includes('num_batches_tracked'));
  if (values.length !== targets.length) {
    throw new QModelError(
      `${source}: ${values.length} tensors remain after HAWQ's --resume filter but the float model has ${targets.length}`,
    );
  }
  const out = new Map<string, Tensor>();
  targets.forEach((t, i) => {
    const [k, v] = values[i]!;
    if (v.shape.join(',') !== t.shape.join(',')) {
      throw new QModelError(
        `${source}: positional key ${i} (${k}, [${v.shape}]) does not fit ${t.key} [${t.shape}]`,
      );
    }
    out.set(t.key, v);
  });
  return out;
}
