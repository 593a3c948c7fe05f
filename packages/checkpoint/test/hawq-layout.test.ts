import { readFileSync } from 'node:fs';
import { expect, it, describe as suite } from 'vitest';
import {
  describe,
  hawqCheckpoint,
  loadTorch,
  loadTorchBuffer,
  PyOrderedDict,
  QUANTIZED_CHECKPOINT_GROUPS,
  quantizedCheckpoint,
  readHawqCheckpoint,
  saveTorchBuffer,
  sgdParamGroup,
  stateDictOf,
  Tensor,
} from '../src/index.js';
import { goldenCheckpoints } from './golden.js';

const golden = goldenCheckpoints();
const qat = golden.find((c) =>
  c.path.endsWith('qat_a_resnet18_uniform8_1step/checkpoint.pth.tar'),
)!;
const caseA = golden.find((c) => c.path.endsWith('a_resnet18_uniform8/checkpoint.pth.tar'))!;

suite('HAWQ checkpoint layout', () => {
  it('readHawqCheckpoint → hawqCheckpoint reproduces the golden QAT checkpoint exactly', async () => {
    const parsed = readHawqCheckpoint(await loadTorch(qat.path), qat.path);
    expect(parsed.epoch).toBe(1);
    expect(parsed.arch).toBe('resnet18');
    expect(parsed.bestAcc1).toBe(50);
    expect(parsed.optimizer.state.size).toBe(62);
    expect(parsed.optimizer.paramGroups[0]).toMatchObject({
      lr: 0.01,
      momentum: 0.9,
      weight_decay: 1e-4,
    });
    const rebuilt = hawqCheckpoint(parsed);
    expect(describe(rebuilt)).toEqual({
      tensors: qat.expected.tensors,
      values: qat.expected.values,
    });
    // ... and torch.save would have written the very same bytes
    const bytes = saveTorchBuffer(rebuilt, 'checkpoint.pth');
    expect(Buffer.from(bytes).equals(readFileSync(qat.path))).toBe(true);
  });

  it('builds the layout from scratch with torch 1.13 SGD defaults', () => {
    const sd = new Map([
      ['module.quant_input.x_min', Tensor.fromFloat32([1], new Float32Array([-1]))],
    ]);
    const ckpt = hawqCheckpoint({
      epoch: 3,
      arch: 'resnet50',
      stateDict: sd,
      bestAcc1: 76.5,
      optimizer: {
        state: new Map(),
        paramGroups: [sgdParamGroup({ lr: 1, momentum: 0.9, weight_decay: 1e-4, params: [0] })],
      },
    });
    expect([...ckpt.keys()]).toEqual(['epoch', 'arch', 'state_dict', 'best_acc1', 'optimizer']);
    expect(ckpt.get('state_dict')).toBeInstanceOf(PyOrderedDict);
    const back = readHawqCheckpoint(loadTorchBuffer(saveTorchBuffer(ckpt), 'mem'));
    expect(back.optimizer.paramGroups[0]).toEqual(
      sgdParamGroup({ lr: 1, momentum: 0.9, weight_decay: 1e-4, params: [0] }),
    );
    expect(back.bestAcc1).toBe(76.5);
    expect(
      describe(loadTorchBuffer(saveTorchBuffer(ckpt), 'mem')).values[
        'optimizer/param_groups/0/dampening'
      ],
    ).toBe(0);
  });

  it('rejects what is not a HAWQ checkpoint with a one-line error', () => {
    expect(() => readHawqCheckpoint(new Map([['epoch', 1]]), 'x.pth')).toThrow(
      /^x\.pth: not a HAWQ checkpoint: missing 'arch'$/,
    );
  });

  it('quantized_checkpoint.pth.tar: five dicts of state_dict entries by substring', async () => {
    const sd = stateDictOf(await loadTorch(caseA.path));
    const q = quantizedCheckpoint(sd);
    expect([...q.keys()]).toEqual([...QUANTIZED_CHECKPOINT_GROUPS]);
    const wi = q.get('weight_integer') as Map<string, Tensor>;
    expect([...wi.keys()]).toEqual([...sd.keys()].filter((k) => k.includes('weight_integer')));
    expect(wi.size).toBe(21);
    expect((q.get('fc_scaling_factor') as Map<string, Tensor>).size).toBe(1);
    const act = q.get('act_scaling_factor') as Map<string, Tensor>;
    expect([...act.keys()].every((k) => k.endsWith('.act_scaling_factor'))).toBe(true);
  });
});
