import { CheckpointError } from './errors.js';
import { type PyDict, PyFloat, PyOrderedDict, type PyValue } from './pyvalue.js';
import { Tensor } from './tensor.js';

/** One SGD param group as torch 1.13's `optimizer.state_dict()` lists it. */
export interface SgdParamGroup {
  lr: number;
  momentum: number;
  dampening: number;
  weight_decay: number;
  nesterov: boolean;
  maximize: boolean;
  foreach: boolean | null;
  differentiable: boolean;
  params: number[];
}

export interface HawqCheckpoint {
  /** epochs completed (quant_train.py saves epoch + 1) */
  epoch: number;
  arch: string;
  /** keys with the `module.` prefix of DataParallel, as HAWQ saves them */
  stateDict: Map<string, Tensor>;
  /** top-1 % (quant_train.py stores the tensor validate() returns: 0-dim float32) */
  bestAcc1: number;
  optimizer: {
    /** per parameter index: its momentum buffer (empty before the first step) */
    state: Map<number, Map<string, Tensor>>;
    paramGroups: SgdParamGroup[];
  };
}

/** torch.optim.SGD defaults of torch 1.13 for the fields HAWQ does not set. */
export function sgdParamGroup(
  g: Pick<SgdParamGroup, 'lr' | 'momentum' | 'weight_decay' | 'params'> & Partial<SgdParamGroup>,
): SgdParamGroup {
  return {
    dampening: 0,
    nesterov: false,
    maximize: false,
    foreach: null,
    differentiable: false,
    ...g,
  };
}

/**
 * The dict `quant_train.py` saves as checkpoint.pth.tar / model_best.pth.tar, with its exact key
 * order and Python types (floats stay floats, state_dict an OrderedDict, best_acc1 a 0-dim
 * float32 tensor), so `--resume` in the original HAWQ reads it unchanged.
 */
export function hawqCheckpoint(c: HawqCheckpoint): PyDict {
  const sd = new PyOrderedDict(c.stateDict);
  if (c.stateDict instanceof PyOrderedDict) sd.attributes = c.stateDict.attributes;
  const state: PyDict = new Map();
  for (const [i, s] of c.optimizer.state) state.set(i, new Map(s));
  const groups: PyValue[] = c.optimizer.paramGroups.map(
    (g) =>
      new Map<string, PyValue>([
        ['lr', new PyFloat(g.lr)],
        ['momentum', new PyFloat(g.momentum)],
        // torch's default dampening is the int 0; keep ints as ints
        ['dampening', Number.isInteger(g.dampening) ? g.dampening : new PyFloat(g.dampening)],
        ['weight_decay', new PyFloat(g.weight_decay)],
        ['nesterov', g.nesterov],
        ['maximize', g.maximize],
        ['foreach', g.foreach],
        ['differentiable', g.differentiable],
        ['params', [...g.params]],
      ]),
  );
  return new Map<string, PyValue>([
    ['epoch', c.epoch],
    ['arch', c.arch],
    ['state_dict', sd],
    ['best_acc1', Tensor.scalar('float32', c.bestAcc1)],
    [
      'optimizer',
      new Map<string, PyValue>([
        ['state', state],
        ['param_groups', groups],
      ]),
    ],
  ]);
}

/** Reads a loaded HAWQ checkpoint back into typed fields, checking the layout. */
export function readHawqCheckpoint(value: PyValue, name = 'checkpoint'): HawqCheckpoint {
  const fail = (what: string): never => {
    throw new CheckpointError(name, `not a HAWQ checkpoint: ${what}`);
  };
  if (!(value instanceof Map)) return fail('expected a dict');
  for (const k of ['epoch', 'arch', 'state_dict', 'best_acc1', 'optimizer']) {
    if (!value.has(k)) fail(`missing '${k}'`);
  }
  const epoch = value.get('epoch');
  const arch = value.get('arch');
  if (typeof epoch !== 'number') fail('epoch is not an int');
  if (typeof arch !== 'string') fail('arch is not a str');
  const sdValue = value.get('state_dict');
  if (!(sdValue instanceof Map)) return fail('state_dict is not a dict');
  for (const [k, t] of sdValue) {
    if (!(t instanceof Tensor) || typeof k !== 'string') fail(`state_dict/${k} is not a tensor`);
  }
  // keep the OrderedDict itself (with its _metadata) so a re-save stays faithful
  const stateDict = sdValue as Map<string, Tensor>;
  const opt = value.get('optimizer');
  if (!(opt instanceof Map)) return fail('optimizer is not a dict');
  const rawState = opt.get('state');
  const rawGroups = opt.get('param_groups');
  if (!(rawState instanceof Map) || !Array.isArray(rawGroups))
    return fail('optimizer has no state/param_groups');
  const state = new Map<number, Map<string, Tensor>>();
  for (const [i, s] of rawState) {
    if (typeof i !== 'number' || !(s instanceof Map))
      return fail(`optimizer/state/${i} is malformed`);
    const m = new Map<string, Tensor>();
    for (const [k, t] of s) {
      if (!(t instanceof Tensor)) fail(`optimizer/state/${i}/${k} is not a tensor`);
      m.set(String(k), t as Tensor);
    }
    state.set(i, m);
  }
  const paramGroups = rawGroups.map((g, gi) => {
    if (!(g instanceof Map)) return fail(`optimizer/param_groups/${gi} is not a dict`);
    const num = (k: string): number => {
      const v = g.get(k);
      const n = v instanceof PyFloat ? v.value : v;
      return typeof n === 'number' ? n : fail(`optimizer/param_groups/${gi}/${k} is not a number`);
    };
    const params = g.get('params');
    if (!Array.isArray(params) || !params.every((p) => typeof p === 'number')) {
      return fail(`optimizer/param_groups/${gi}/params is not a list of ints`);
    }
    const foreach = g.get('foreach');
    return sgdParamGroup({
      lr: num('lr'),
      momentum: num('momentum'),
      dampening: g.has('dampening') ? num('dampening') : 0,
      weight_decay: num('weight_decay'),
      nesterov: g.get('nesterov') === true,
      maximize: g.get('maximize') === true,
      foreach: typeof foreach === 'boolean' ? foreach : null,
      differentiable: g.get('differentiable') === true,
      params: params as number[],
    });
  });
  const best = value.get('best_acc1');
  const bestAcc1 =
    best instanceof Tensor && best.numel === 1
      ? best.toFloat64()[0]!
      : typeof best === 'number'
        ? best
        : fail('best_acc1 is neither a number nor a 1-element tensor');
  return {
    epoch: epoch as number,
    arch: arch as string,
    stateDict,
    bestAcc1,
    optimizer: { state, paramGroups },
  };
}

/** The five groups of `quantized_checkpoint.pth.tar`, in HAWQ's order. */
export const QUANTIZED_CHECKPOINT_GROUPS = [
  'convbn_scaling_factor',
  'fc_scaling_factor',
  'weight_integer',
  'bias_integer',
  'act_scaling_factor',
] as const;

/**
 * What HAWQ's validate() saves as quantized_checkpoint.pth.tar: for each of the five names, a
 * dict of every state_dict entry whose key contains it (state_dict order, plain dicts).
 */
export function quantizedCheckpoint(stateDict: ReadonlyMap<string, Tensor>): PyDict {
  return new Map<string, PyValue>(
    QUANTIZED_CHECKPOINT_GROUPS.map((group) => [
      group,
      new Map<string, PyValue>([...stateDict].filter(([k]) => k.includes(group))),
    ]),
  );
}
