// The Hessian path on a real (narrow) PyTorchCV ResNet18: layer mapping, exact vs estimated
// traces, symmetry of H, and the sensitivity JSON fed to the ILP.
import { Tensor } from '@hawq-ts/checkpoint';
import { describeResNet, initBackend } from '@hawq-ts/core';
import { bodyConvNames, parseSensitivity, solveIlp } from '@hawq-ts/ilp';
import { createResNet, type FloatModel } from '@hawq-ts/models';
import * as tf from '@tensorflow/tfjs';
import { uniformFloat32 } from 'pure-rand/distribution/uniformFloat32';
import { mersenne } from 'pure-rand/generator/mersenne';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  computeSensitivity,
  crossEntropy,
  type DataBatch,
  exactTraces,
  hawqLatencies,
  hessianBlock,
  hessianVectorProduct,
  hessianVectorProductSum,
  hutchinsonTraces,
  LayerSelectionError,
  RademacherStream,
  registerSecondOrderGradients,
  resnetBodyLayers,
} from '../src/index.js';

const SPEC = {
  arch: 'resnet18',
  bottleneck: false,
  layers: [2, 2, 2, 2],
  widths: [2, 2, 4, 4],
  initChannels: 2,
  conv1Stride: true,
  numClasses: 3,
};
const SIZE = 193;

let model: FloatModel;
let batch: DataBatch;
let images: tf.Tensor4D;
const loss = () => crossEntropy(model.forward(images, false), batch.labels);

/** Seeded weights (PyTorchCV's init ranges) and non-trivial BN statistics: a reproducible model. */
function seededStateDict(sd: Map<string, Tensor>, seed: number): Map<string, Tensor> {
  const gen = mersenne(seed);
  const u = () => uniformFloat32(gen);
  const out = new Map<string, Tensor>();
  for (const [key, t] of sd) {
    if (key.endsWith('num_batches_tracked')) {
      out.set(key, t);
      continue;
    }
    const fanIn = t.shape.slice(1).reduce((a, b) => a * b, 1);
    const value = key.endsWith('conv.weight')
      ? () => Math.sqrt(6 / fanIn) * (2 * u() - 1)
      : key.endsWith('running_var') || key.endsWith('bn.weight')
        ? () => 0.5 + u()
        : key.startsWith('output.')
          ? () => (2 * u() - 1) / Math.sqrt(t.shape[1] ?? 1)
          : () => 0.2 * (2 * u() - 1);
    out.set(key, Tensor.fromFloat32(t.shape, Float32Array.from({ length: t.numel }, value)));
  }
  return out;
}

beforeAll(async () => {
  // WASM: its XNNPACK convolutions make a Hessian-vector product ~3× faster than on cpu.
  await initBackend({ backend: 'wasm' });
  registerSecondOrderGradients();
  model = createResNet(SPEC);
  model.loadStateDict(seededStateDict(model.stateDict(), 17));
  const shape = [2, 3, SIZE, SIZE] as const;
  const noise = new RademacherStream(5).next([...shape]);
  const data = tf.mul(noise, tf.randomUniform([...shape], 0, 1.5, 'float32', 1));
  batch = { images: Float32Array.from(data.dataSync()), shape, labels: Int32Array.from([1, 2]) };
  images = tf.tensor4d(batch.images, [...shape]);
  tf.dispose([noise, data]);
});
afterAll(() => {
  images.dispose();
  model.dispose();
});

describe('resnetBodyLayers', () => {
  it('names the body convs by HAWQ module name, in the ILP order, with their weights', () => {
    const layers = resnetBodyLayers(model, { arch: 'resnet18', inputSize: SIZE });
    expect(layers.map((l) => l.spec.name)).toEqual(bodyConvNames('resnet18'));
    const sd = model.stateDict();
    for (const l of layers) {
      expect(l.variable.size).toBe(l.spec.params);
      expect(Array.from(l.weight)).toEqual(
        Array.from(sd.get(`${l.spec.pytorchcvName}.weight`)!.toFloat32()),
      );
    }
    const id = layers.find((l) => l.spec.name === 'stage2.unit1.quant_identity_convbn')!;
    expect(id.spec.pytorchcvName).toBe('features.stage2.unit1.identity_conv.conv');
    expect(id.variable.shape).toEqual([1, 1, 2, 2]); // HWIO inside tfjs
  });

  it('selects layers by name and rejects unknown ones', () => {
    const only = ['stage4.unit2.quant_convbn2', 'stage2.unit1.quant_identity_convbn'];
    expect(resnetBodyLayers(model, { only }).map((l) => l.spec.name)).toEqual(only);
    expect(() => resnetBodyLayers(model, { only: ['stage9.unit1.quant_convbn1'] })).toThrow(
      LayerSelectionError,
    );
  });
});

describe('Hessian of a ResNet18 loss', () => {
  it('is symmetric over all body convs (uᵀHv = vᵀHu)', () => {
    const vars = resnetBodyLayers(model).map((l) => l.variable);
    const s = new RademacherStream(8);
    const u = vars.map((v) => s.next(v.shape));
    const v = vars.map((x) => s.next(x.shape));
    const dot = (a: tf.Tensor[], b: tf.Tensor[]) =>
      a.reduce((acc, t, i) => acc + tf.sum(tf.mul(t, b[i]!)).dataSync()[0]!, 0);
    const hv = hessianVectorProduct(loss, vars, v);
    const hu = hessianVectorProduct(loss, vars, u);
    const uhv = dot(u, hv);
    expect(Math.abs(uhv)).toBeGreaterThan(1e-3);
    expect(Math.abs(uhv - dot(v, hu))).toBeLessThan(1e-4 * Math.abs(uhv));
    tf.dispose([...u, ...v, ...hv, ...hu]);
  });

  it('Hutchinson per layer converges to the exact trace (all basis vectors) within 4σ', () => {
    for (const name of ['stage2.unit1.quant_identity_convbn', 'stage4.unit1.quant_convbn2']) {
      const [layer] = resnetBodyLayers(model, { only: [name] });
      const target = { name, variable: layer!.variable };
      const n = layer!.variable.size;
      const block = hessianBlock(loss, layer!.variable);
      let trace = 0;
      let offDiagonal = 0;
      for (let i = 0; i < n; i++) {
        trace += block[i * n + i]!;
        for (let j = 0; j < n; j++) if (j !== i) offDiagonal += block[i * n + j]! ** 2;
      }
      expect(exactTraces(loss, [target]).get(name)).toBeCloseTo(trace, 6);
      const samples = 150;
      const [est] = hutchinsonTraces(loss, [target], { maxIter: samples, tol: 1e-12, seed: 2 });
      // Var(vᵀHv) = 2·Σ_{i≠j} H_ij² for Rademacher v.
      const stdErr = Math.sqrt((2 * offDiagonal) / samples);
      expect(Math.abs(est!.trace - trace)).toBeLessThan(4 * stdErr + 1e-9);
    }
  }, 600_000); // generous: the 2-core CI machine is shared
});

describe('chunked batches', () => {
  it('H·v of the batch mean equals the weighted sum over chunks', () => {
    const vars = resnetBodyLayers(model, { only: ['stage3.unit1.quant_convbn1'] }).map(
      (l) => l.variable,
    );
    const v = [new RademacherStream(4).next(vars[0]!.shape)];
    const whole = hessianVectorProduct(loss, vars, v);
    const halves = [0, 1].map((i) => {
      const x = tf.slice(images, [i, 0, 0, 0], [1, 3, SIZE, SIZE]);
      return {
        loss: () => crossEntropy(model.forward(x, false), batch.labels.subarray(i, i + 1)),
        weight: 0.5,
        x,
      };
    });
    const summed = hessianVectorProductSum(halves, vars, v);
    const a = whole[0]!.dataSync();
    const b = summed[0]!.dataSync();
    const scale = Math.max(...Array.from(a, Math.abs));
    expect(scale).toBeGreaterThan(0);
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-4 * scale);
    tf.dispose([...whole, ...summed, ...v, ...halves.map((h) => h.x)]);
  });
});

describe('computeSensitivity', () => {
  it('writes the JSON that @hawq-ts/ilp parses and solves', async () => {
    const before = tf.memory().numTensors;
    const { report, traces, fullWidth } = computeSensitivity(model, batch, {
      arch: 'resnet18',
      maxIter: 5,
      seed: 0,
      chunkSize: 1,
    });
    expect(tf.memory().numTensors).toBe(before); // nothing leaks per sample
    expect(fullWidth).toBe(false);
    expect(traces).toHaveLength(19);
    const described = describeResNet({ ...SPEC }, SIZE);
    for (const entry of report.layers) {
      const spec = described.find((l) => l.name === entry.name)!;
      expect(entry).toMatchObject({ params: spec.params, macs: spec.macs });
      expect(Number.isFinite(entry.trace)).toBe(true);
      expect(entry.delta8).toBeLessThan(entry.delta4);
      expect(entry.latencyInt4).toBeUndefined();
    }
    const parsed = parseSensitivity(JSON.parse(JSON.stringify(report)), 'report', 'resnet18');
    const solution = await solveIlp(parsed, [{ kind: 'bops', ratio: 0.5 }]);
    expect(solution.bits.size).toBe(19);
    expect([...solution.bits.values()].every((b) => b === 4 || b === 8)).toBe(true);
  });

  it('refuses a model whose structure is not the arch', () => {
    expect(() => computeSensitivity(model, batch, { arch: 'resnet50', maxIter: 1 })).toThrow(
      /bottleneck|basic/,
    );
    expect(() => computeSensitivity(model, batch, { arch: 'vgg16', maxIter: 1 })).toThrow(
      LayerSelectionError,
    );
  });
});

describe('hawqLatencies', () => {
  it("covers exactly the ILP's layers of full-width resnet18 and resnet50", () => {
    for (const arch of ['resnet18', 'resnet50']) {
      expect([...hawqLatencies(arch)!.keys()].sort()).toEqual([...bodyConvNames(arch)].sort());
    }
    expect(hawqLatencies('resnet101')).toBeUndefined();
    expect(hawqLatencies('resnet18')!.get('stage2.unit1.quant_identity_convbn')).toEqual({
      int4: 0.02532183,
      int8: 0.0334169,
    });
  });
});
