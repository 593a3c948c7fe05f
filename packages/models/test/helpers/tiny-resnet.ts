// A tiny random PyTorchCV-style ResNet state_dict (deterministic), for structure tests.
import { Tensor } from '@hawq-ts/checkpoint';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function tinyFloatStateDict(
  opts: {
    bottleneck?: boolean;
    widths?: number[];
    init?: number;
    classes?: number;
    seed?: number;
  } = {},
) {
  const r = rng(opts.seed ?? 1);
  const widths = opts.widths ?? [4, 8, 8, 16];
  const init = opts.init ?? 4;
  const classes = opts.classes ?? 5;
  const sd = new Map<string, Tensor>();
  const rand = (shape: number[], scale: number, offset = 0) =>
    Tensor.fromFloat32(
      shape,
      Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () =>
        Math.fround((r() * 2 - 1) * scale + offset),
      ),
    );
  const convBlock = (prefix: string, cout: number, cin: number, k: number) => {
    sd.set(`${prefix}.conv.weight`, rand([cout, cin, k, k], 0.5));
    sd.set(`${prefix}.bn.weight`, rand([cout], 0.5, 1));
    sd.set(`${prefix}.bn.bias`, rand([cout], 0.2));
    sd.set(`${prefix}.bn.running_mean`, rand([cout], 0.1));
    sd.set(`${prefix}.bn.running_var`, rand([cout], 0.3, 1));
    sd.set(`${prefix}.bn.num_batches_tracked`, Tensor.fromInt64([], BigInt64Array.of(0n)));
  };
  convBlock('features.init_block.conv', init, 3, 7);
  let cin = init;
  widths.forEach((w, s) => {
    for (let u = 1; u <= 2; u++) {
      const p = `features.stage${s + 1}.unit${u}`;
      if (opts.bottleneck) {
        convBlock(`${p}.body.conv1`, w / 4, cin, 1);
        convBlock(`${p}.body.conv2`, w / 4, w / 4, 3);
        convBlock(`${p}.body.conv3`, w, w / 4, 1);
      } else {
        convBlock(`${p}.body.conv1`, w, cin, 3);
        convBlock(`${p}.body.conv2`, w, w, 3);
      }
      if (cin !== w || (u === 1 && s > 0)) convBlock(`${p}.identity_conv`, w, cin, 1);
      cin = w;
    }
  });
  sd.set('output.weight', rand([classes, cin], 0.3));
  sd.set('output.bias', rand([classes], 0.1));
  return sd;
}

export function randomInput(n: number, size: number, seed = 7) {
  const r = rng(seed);
  return {
    shape: [n, 3, size, size],
    data: Float32Array.from({ length: n * 3 * size * size }, () => Math.fround(r() * 4 - 2)),
  };
}

/** A uniform bit config for every module of a model. */
export function uniformConfig(names: string[], bits: number): Map<string, number> {
  return new Map(
    names.map((n) => [
      n,
      n.endsWith('quant_act_int32')
        ? 16
        : n === 'quant_input' ||
            n === 'quant_act_output' ||
            n === 'quant_output' ||
            n.includes('init')
          ? 8
          : bits,
    ]),
  );
}
