/**
 * PyTorchCV InceptionV3 as data: one description drives the float model, HAWQ's module names
 * (bit configs) and the per-layer accounting, so the three cannot drift apart.
 */
export interface InceptConvDef {
  out: number;
  kernel: [number, number];
  stride: number;
  padding: [number, number];
}

export type InceptBranch =
  /** Conv1x1Branch: `conv` / HAWQ `q_conv`. */
  | { kind: 'conv1x1'; out: number }
  /** ConvSeqBranch: `conv_list.convN` / `q_conv_list.q_convN`. */
  | { kind: 'seq'; convs: InceptConvDef[] }
  /** ConvSeq3x3Branch: conv_list, then parallel `conv1x3` and `conv3x1` (concatenated). */
  | { kind: 'seq3x3'; convs: InceptConvDef[] }
  /** AvgPoolBranch: avg pool 3/1/1 (count_include_pad) then `conv` 1×1. */
  | { kind: 'avgpool'; out: number }
  /** MaxPoolBranch: max pool 3/2/0. */
  | { kind: 'maxpool' };

export interface InceptUnit {
  stage: number;
  unit: number;
  branches: InceptBranch[];
}

export const INCEPTION_BN_EPS = 1e-3;
export const INCEPTION_INPUT_SIZE = 299;
export const INCEPTION_FINAL_CHANNELS = 2048;

const c = (
  out: number,
  kernel: number | [number, number],
  stride = 1,
  padding: number | [number, number] = 0,
): InceptConvDef => ({
  out,
  kernel: typeof kernel === 'number' ? [kernel, kernel] : kernel,
  stride,
  padding: typeof padding === 'number' ? [padding, padding] : padding,
});

/** `features.init_block.conv1..conv5`; max pools 3/2/0 follow conv3 and conv5. */
export const INCEPTION_INIT_BLOCK: readonly InceptConvDef[] = [
  c(32, 3, 2, 0),
  c(32, 3, 1, 0),
  c(64, 3, 1, 1),
  c(80, 1),
  c(192, 3, 1, 0),
];

function inceptionA(unit: number, out: number): InceptUnit {
  return {
    stage: 1,
    unit,
    branches: [
      { kind: 'conv1x1', out: 64 },
      { kind: 'seq', convs: [c(48, 1), c(64, 5, 1, 2)] },
      { kind: 'seq', convs: [c(64, 1), c(96, 3, 1, 1), c(96, 3, 1, 1)] },
      { kind: 'avgpool', out: out - 224 },
    ],
  };
}

function inceptionB(unit: number, mid: number): InceptUnit {
  return {
    stage: 2,
    unit,
    branches: [
      { kind: 'conv1x1', out: 192 },
      { kind: 'seq', convs: [c(mid, 1), c(mid, [1, 7], 1, [0, 3]), c(192, [7, 1], 1, [3, 0])] },
      {
        kind: 'seq',
        convs: [
          c(mid, 1),
          c(mid, [7, 1], 1, [3, 0]),
          c(mid, [1, 7], 1, [0, 3]),
          c(mid, [7, 1], 1, [3, 0]),
          c(192, [1, 7], 1, [0, 3]),
        ],
      },
      { kind: 'avgpool', out: 192 },
    ],
  };
}

function inceptionC(unit: number): InceptUnit {
  return {
    stage: 3,
    unit,
    branches: [
      { kind: 'conv1x1', out: 320 },
      { kind: 'seq3x3', convs: [c(384, 1)] },
      { kind: 'seq3x3', convs: [c(448, 1), c(384, 3, 1, 1)] },
      { kind: 'avgpool', out: 192 },
    ],
  };
}

export const INCEPTION_UNITS: readonly InceptUnit[] = [
  inceptionA(1, 256),
  inceptionA(2, 288),
  inceptionA(3, 288),
  {
    stage: 2,
    unit: 1,
    branches: [
      { kind: 'seq', convs: [c(384, 3, 2, 0)] },
      { kind: 'seq', convs: [c(64, 1), c(96, 3, 1, 1), c(96, 3, 2, 0)] },
      { kind: 'maxpool' },
    ],
  },
  inceptionB(2, 128),
  inceptionB(3, 160),
  inceptionB(4, 160),
  inceptionB(5, 192),
  {
    stage: 3,
    unit: 1,
    branches: [
      { kind: 'seq', convs: [c(192, 1), c(320, 3, 2, 0)] },
      {
        kind: 'seq',
        convs: [c(192, 1), c(192, [1, 7], 1, [0, 3]), c(192, [7, 1], 1, [3, 0]), c(192, 3, 2, 0)],
      },
      { kind: 'maxpool' },
    ],
  },
  inceptionC(2),
  inceptionC(3),
];

/** The 1×3 and 3×1 convs of a seq3x3 branch keep the width of the last conv_list conv. */
export function seq3x3SplitConvs(width: number): { name: string; def: InceptConvDef }[] {
  return [
    { name: 'conv1x3', def: c(width, [1, 3], 1, [0, 1]) },
    { name: 'conv3x1', def: c(width, [3, 1], 1, [1, 0]) },
  ];
}

/** Output channels of a branch given its input channels (pool branches keep them). */
export function branchOutChannels(branch: InceptBranch, inChannels: number): number {
  switch (branch.kind) {
    case 'conv1x1':
    case 'avgpool':
      return branch.out;
    case 'seq':
      return branch.convs[branch.convs.length - 1]!.out;
    case 'seq3x3':
      return 2 * branch.convs[branch.convs.length - 1]!.out;
    case 'maxpool':
      return inChannels;
  }
}
