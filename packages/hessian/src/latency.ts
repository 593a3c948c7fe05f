// HAWQ's per-layer latencies (ms per layer, NVIDIA T4, TVM, batch 8) from its ILP notebook
// (shared/reference/ilp-data.json), keyed by HAWQ module name. Valid only for the full-width
// resnet18 and resnet50 at 224x224, the models they were measured on.

export interface LayerLatency {
  int4: number;
  int8: number;
}

const ALIASES: Record<string, string> = {
  c1: 'quant_convbn1',
  c2: 'quant_convbn2',
  c3: 'quant_convbn3',
  id: 'quant_identity_convbn',
};

function table(rows: [string, number, number][]): ReadonlyMap<string, LayerLatency> {
  return new Map(
    rows.map(([short, int4, int8]) => {
      const dot = short.lastIndexOf('.');
      return [`${short.slice(0, dot)}.${ALIASES[short.slice(dot + 1)]}`, { int4, int8 }];
    }),
  );
}

const RESNET18 = table([
  ['stage1.unit1.c1', 0.21094404, 0.36189111],
  ['stage1.unit1.c2', 0.21092674, 0.36211718],
  ['stage1.unit2.c1', 0.21104113, 0.31141909],
  ['stage1.unit2.c2', 0.21086851, 0.30454471],
  ['stage2.unit1.c1', 0.13642465, 0.19184896],
  ['stage2.unit1.c2', 0.19167506, 0.38948934],
  ['stage2.unit1.id', 0.02532183, 0.0334169],
  ['stage2.unit2.c1', 0.19148203, 0.38904905],
  ['stage2.unit2.c2', 0.19142914, 0.3892859],
  ['stage3.unit1.c1', 0.11395316, 0.19134735],
  ['stage3.unit1.c2', 0.20556011, 0.34307431],
  ['stage3.unit1.id', 0.01917474, 0.02802354],
  ['stage3.unit2.c1', 0.20566918, 0.34313329],
  ['stage3.unit2.c2', 0.20566509, 0.34310756],
  ['stage4.unit1.c1', 0.13185102, 0.21117103],
  ['stage4.unit1.c2', 0.22287786, 0.37376585],
  ['stage4.unit1.id', 0.01790088, 0.02896843],
  ['stage4.unit2.c1', 0.22304611, 0.37398187],
  ['stage4.unit2.c2', 0.22286099, 0.37405185],
]);

const RESNET50 = table([
  ['stage1.unit1.c1', 0.07018191, 0.07079369],
  ['stage1.unit1.c2', 0.22481827, 0.36040637],
  ['stage1.unit1.c3', 0.27510223, 0.27649506],
  ['stage1.unit1.id', 0.27512618, 0.276513],
  ['stage1.unit2.c1', 0.10512171, 0.1611783],
  ['stage1.unit2.c2', 0.22473146, 0.36101955],
  ['stage1.unit2.c3', 0.21536969, 0.276361],
  ['stage1.unit3.c1', 0.10506169, 0.16111273],
  ['stage1.unit3.c2', 0.22481533, 0.36064923],
  ['stage1.unit3.c3', 0.18938694, 0.24884412],
  ['stage2.unit1.c1', 0.05091347, 0.07218692],
  ['stage2.unit1.c2', 0.19677368, 0.34899773],
  ['stage2.unit1.c3', 0.15108796, 0.19600394],
  ['stage2.unit1.id', 0.16824758, 0.29505887],
  ['stage2.unit2.c1', 0.0848311, 0.16074604],
  ['stage2.unit2.c2', 0.19684267, 0.34904888],
  ['stage2.unit2.c3', 0.15120609, 0.19603683],
  ['stage2.unit3.c1', 0.08481235, 0.16067593],
  ['stage2.unit3.c2', 0.19667935, 0.34919751],
  ['stage2.unit3.c3', 0.15121574, 0.1960506],
  ['stage2.unit4.c1', 0.08476754, 0.16089535],
  ['stage2.unit4.c2', 0.19673882, 0.34916001],
  ['stage2.unit4.c3', 0.15123765, 0.19616036],
  ['stage3.unit1.c1', 0.04866963, 0.08172319],
  ['stage3.unit1.c2', 0.20606097, 0.33166738],
  ['stage3.unit1.c3', 0.10150094, 0.15534599],
  ['stage3.unit1.id', 0.169953, 0.30712053],
  ['stage3.unit2.c1', 0.09355929, 0.15510333],
  ['stage3.unit2.c2', 0.20598819, 0.33172639],
  ['stage3.unit2.c3', 0.10146334, 0.15541728],
  ['stage3.unit3.c1', 0.09362463, 0.15290036],
  ['stage3.unit3.c2', 0.20609737, 0.3317953],
  ['stage3.unit3.c3', 0.10188489, 0.15551916],
  ['stage3.unit4.c1', 0.09360134, 0.15252759],
  ['stage3.unit4.c2', 0.20618122, 0.33165544],
  ['stage3.unit4.c3', 0.10150974, 0.15529572],
  ['stage3.unit5.c1', 0.09352375, 0.15229388],
  ['stage3.unit5.c2', 0.20603792, 0.33187364],
  ['stage3.unit5.c3', 0.1015803, 0.15545004],
  ['stage3.unit6.c1', 0.09365549, 0.15275891],
  ['stage3.unit6.c2', 0.20599906, 0.33161443],
  ['stage3.unit6.c3', 0.10143032, 0.15566678],
  ['stage4.unit1.c1', 0.08047627, 0.08390548],
  ['stage4.unit1.c2', 0.207775, 0.33057286],
  ['stage4.unit1.c3', 0.08819472, 0.15200003],
  ['stage4.unit1.id', 0.17924989, 0.33919933],
  ['stage4.unit2.c1', 0.10268331, 0.16635967],
  ['stage4.unit2.c2', 0.20780669, 0.33092922],
  ['stage4.unit2.c3', 0.08795617, 0.15179218],
  ['stage4.unit3.c1', 0.10265705, 0.16672966],
  ['stage4.unit3.c2', 0.20781191, 0.33086648],
  ['stage4.unit3.c3', 0.08793056, 0.1519619],
]);

/** Latencies of the full-width arch, or undefined when HAWQ measured none for it. */
export function hawqLatencies(arch: string): ReadonlyMap<string, LayerLatency> | undefined {
  if (arch === 'resnet18') return RESNET18;
  if (arch === 'resnet50') return RESNET50;
  return undefined;
}
