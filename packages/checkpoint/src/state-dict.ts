import { CheckpointError } from './errors.js';
import type { PyValue } from './pyvalue.js';
import { Tensor } from './tensor.js';

/**
 * The state_dict inside a loaded checkpoint: the value itself when it is a bare state_dict
 * (PyTorchCV `.pth`), else its `state_dict` entry (HAWQ `checkpoint.pth.tar`). Keys unchanged.
 */
export function stateDictOf(value: PyValue, name = 'checkpoint'): Map<string, Tensor> {
  if (!(value instanceof Map)) {
    throw new CheckpointError(name, 'expected a dict (a state_dict or a checkpoint holding one)');
  }
  const inner = value.get('state_dict');
  const sd = inner instanceof Map ? inner : value;
  const out = new Map<string, Tensor>();
  for (const [k, v] of sd) {
    if (!(v instanceof Tensor)) {
      const where = sd === value ? '' : 'state_dict/';
      throw new CheckpointError(
        name,
        inner instanceof Map || sd.size === 0
          ? `${where}${String(k)} is not a tensor, so this is not a state_dict`
          : `has neither a state_dict entry nor only tensors (${String(k)} is not a tensor)`,
      );
    }
    out.set(String(k), v);
  }
  return out;
}
