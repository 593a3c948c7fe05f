import { Tensor } from '@hawq-ts/checkpoint';
import {
  describeResNet,
  initBackend,
  registerFastConv2dGradient,
  resnetSpec,
  totalParams,
} from '@hawq-ts/core';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConvBlock } from '../src/pytorchcv/conv-block.js';
import {
  createPytorchcvModel,
  createResNet,
  ModelInputError,
  PYTORCHCV_ARCHS,
  type PytorchcvArch,
  pytorchcvFromStateDict,
  StateDictError,
} from '../src/pytorchcv/index.js';
import { ParamStore } from '../src/pytorchcv/param-store.js';

const narrowSpec = () => ({
  ...resnetSpec('resnet18', 10),
  initChannels: 8,
  widths: [8, 16, 32, 64],
});
const narrowBottleneck = () => ({
  ...resnetSpec('resnet50', 5),
  initChannels: 8,
  widths: [16, 32, 64, 128],
});

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  registerFastConv2dGradient();
});

describe('PyTorchCV models built without weights', () => {
  const KEYS: Record<PytorchcvArch, number> = {
    resnet18: 122,
    resnet50: 320,
    resnet50b: 320,
    resnet101: 626,
    resnet101b: 626,
    inceptionv3: 6 * 94 + 2,
  };
  it.each(PYTORCHCV_ARCHS.map((a) => [a]))(
    '%s has PyTorchCV state_dict keys and shapes',
    (arch) => {
      const model = createPytorchcvModel(arch, { numClasses: 1000 });
      const sd = model.stateDict();
      expect(sd.size).toBe(KEYS[arch]);
      const params = model.trainableVariables().reduce((n, v) => n + v.size, 0);
      const expected: Record<PytorchcvArch, number> = {
        resnet18: 11_689_512,
        resnet50: 25_557_032,
        resnet50b: 25_557_032,
        resnet101: 44_549_160,
        resnet101b: 44_549_160,
        inceptionv3: 23_834_568,
      };
      expect(params).toBe(expected[arch]);
      if (arch === 'resnet18') {
        expect([...sd.keys()].slice(0, 7)).toEqual([
          'features.init_block.conv.conv.weight',
          'features.init_block.conv.bn.weight',
          'features.init_block.conv.bn.bias',
          'features.init_block.conv.bn.running_mean',
          'features.init_block.conv.bn.running_var',
          'features.init_block.conv.bn.num_batches_tracked',
          'features.stage1.unit1.body.conv1.conv.weight',
        ]);
        expect(sd.get('features.stage2.unit1.identity_conv.conv.weight')!.shape).toEqual([
          128, 64, 1, 1,
        ]);
        expect([...sd.keys()].slice(-2)).toEqual(['output.weight', 'output.bias']);
      }
      if (arch === 'resnet50') {
        expect(sd.get('features.stage2.unit1.body.conv1.conv.weight')!.shape).toEqual([
          128, 256, 1, 1,
        ]);
        expect(sd.get('features.stage1.unit1.identity_conv.conv.weight')!.shape).toEqual([
          256, 64, 1, 1,
        ]);
      }
      if (arch === 'inceptionv3') {
        expect(sd.get('features.stage3.unit2.branches.branch3.conv1x3.conv.weight')!.shape).toEqual(
          [384, 384, 1, 3],
        );
        expect(
          sd.get('features.stage1.unit1.branches.branch2.conv_list.conv2.conv.weight')!.shape,
        ).toEqual([64, 48, 5, 5]);
        expect(sd.get('output.fc.weight')!.shape).toEqual([1000, 2048]);
        const back = pytorchcvFromStateDict(sd);
        expect([back.arch, back.numClasses]).toEqual(['inceptionv3', 1000]);
        expect(() => pytorchcvFromStateDict(sd, { arch: 'resnet50' })).toThrow(/is an InceptionV3/);
        back.dispose();
      }
      model.dispose();
    },
  );

  it('runs a batch-1 forward of resnet50b at 224² and inceptionv3 at 299²', () => {
    for (const [arch, size] of [
      ['resnet50b', 224],
      ['inceptionv3', 299],
    ] as const) {
      const model = createPytorchcvModel(arch, { numClasses: 12 });
      const y = model.forward(tf.randomNormal([1, 3, size, size]) as tf.Tensor4D);
      expect(y.shape).toEqual([1, 12]);
      expect(Number.isFinite(y.dataSync()[0]!)).toBe(true);
      y.dispose();
      model.dispose();
    }
  });
});

describe('pytorchcvFromStateDict', () => {
  it('infers widths, units, block type and classes; keeps outputs identical', () => {
    const src = createResNet(narrowBottleneck());
    const sd = src.stateDict();
    const copy = pytorchcvFromStateDict(sd);
    expect(copy.arch).toBe('resnet-custom');
    expect(copy.numClasses).toBe(5);
    const x = tf.randomNormal([1, 3, 200, 200]) as tf.Tensor4D;
    const a = src.forward(x).dataSync();
    const b = copy.forward(x).dataSync();
    expect(Array.from(b)).toEqual(Array.from(a));
    // Same shapes, other stride placement: only the arch option can tell resnet50 from 50b.
    const bVariant = pytorchcvFromStateDict(sd, { arch: 'resnet50' });
    expect(bVariant.arch).toBe('resnet50');
    const v15 = pytorchcvFromStateDict(sd, { arch: 'resnet50b' });
    expect(v15.arch).toBe('resnet50b');
    expect(Array.from(v15.forward(x).dataSync())).not.toEqual(Array.from(a));
    for (const m of [src, copy, bVariant, v15]) m.dispose();
  });

  it('names standard ResNets and strips a DataParallel module. prefix', () => {
    const src = createPytorchcvModel('resnet18', { numClasses: 3 });
    const prefixed = new Map([...src.stateDict()].map(([k, v]) => [`module.${k}`, v]));
    const model = pytorchcvFromStateDict(prefixed);
    expect([model.arch, model.numClasses]).toEqual(['resnet18', 3]);
    for (const m of [src, model]) m.dispose();
  });

  it('rejects mismatching state_dicts with one-line messages', () => {
    const src = createResNet(narrowSpec());
    const sd = src.stateDict();
    const missing = new Map(sd);
    missing.delete('features.stage3.unit2.body.conv2.bn.running_var');
    expect(() => pytorchcvFromStateDict(missing)).toThrow(
      /missing features\.stage3\.unit2\.body\.conv2\.bn\.running_var/,
    );
    const extra = new Map(sd).set('features.extra', Tensor.fromFloat32([1], new Float32Array(1)));
    expect(() => pytorchcvFromStateDict(extra)).toThrow(/unexpected features\.extra/);
    const badShape = new Map(sd).set('output.bias', Tensor.fromFloat32([11], new Float32Array(11)));
    expect(() => pytorchcvFromStateDict(badShape)).toThrow(
      /'output\.bias' has shape \[11\], the model expects \[10\]/,
    );
    expect(() => pytorchcvFromStateDict(sd, { arch: 'resnet50' })).toThrow(
      /basic units \[2, 2, 2, 2\], which is not resnet50/,
    );
    const hawq = new Map([
      ['module.quant_input.x_min', Tensor.fromFloat32([1], new Float32Array(1))],
    ]);
    expect(() => pytorchcvFromStateDict(hawq)).toThrow(/HAWQ quantized state_dict/);
    expect(() => pytorchcvFromStateDict(new Map())).toThrow(StateDictError);
    src.dispose();
  });

  it('has the parameter count @hawq-ts/core accounts for, also for narrow specs', () => {
    for (const spec of [narrowSpec(), narrowBottleneck()]) {
      const model = createResNet(spec);
      const params = model.trainableVariables().reduce((n, v) => n + v.size, 0);
      expect(params).toBe(totalParams(describeResNet(spec, 193)));
      model.dispose();
    }
  });

  it('checks the NCHW input and pools the whole final map (7×7 at 193..224)', () => {
    const model = createResNet(narrowSpec());
    expect(() => model.forward(tf.zeros([1, 193, 193, 3]) as tf.Tensor4D)).toThrow(ModelInputError);
    expect(() => model.forward(tf.zeros([1, 3, 224, 256]) as tf.Tensor4D)).toThrow(
      /final feature map is 7×8 but the final pool is 7×7/,
    );
    // 28×28 (Fashion-MNIST) ends in a 1×1 map: the pool is the identity, logits per class
    const x = tf.randomNormal([2, 3, 28, 28]) as tf.Tensor4D;
    expect(model.forward(x).shape).toEqual([2, narrowSpec().numClasses]);
    model.dispose();
  });
});

describe('train/eval behaviour', () => {
  it('BatchNorm follows PyTorch: batch stats in training, momentum 0.1, unbiased running var', () => {
    const store = new ParamStore();
    const block = new ConvBlock(store, 'b', {
      inChannels: 2,
      outChannels: 2,
      kernel: [1, 1],
      stride: 1,
      padding: [0, 0],
      bnEps: 1e-5,
      relu: false,
    });
    const sd = store.stateDict();
    sd.set('b.conv.weight', Tensor.fromFloat32([2, 2, 1, 1], Float32Array.of(1, 0, 0, 1)));
    store.loadStateDict(sd, 'test');
    const values = [1, 10, 2, 20, 3, 30, 6, 40]; // NHWC [1, 2, 2, 2]: channel 0 = 1,2,3,6
    const x = tf.tensor4d(values, [1, 2, 2, 2]);
    const y = block.forward(x, true).dataSync();
    const c0 = [1, 2, 3, 6];
    const mean = 3;
    const biased = c0.reduce((s, v) => s + (v - mean) ** 2, 0) / 4;
    expect(y[0]).toBeCloseTo((1 - mean) / Math.sqrt(biased + 1e-5), 5);
    const after = store.stateDict();
    expect(after.get('b.bn.running_mean')!.toFloat32()[0]).toBeCloseTo(0.1 * mean, 6);
    expect(after.get('b.bn.running_var')!.toFloat32()[0]).toBeCloseTo(
      0.9 + 0.1 * ((biased * 4) / 3),
      6,
    );
    expect(after.get('b.bn.num_batches_tracked')!.data[0]).toBe(1n);
    // Eval mode uses (and does not change) the running statistics.
    const e = block.forward(x, false).dataSync();
    const rm = 0.1 * mean;
    const rv = 0.9 + 0.1 * ((biased * 4) / 3);
    expect(e[0]).toBeCloseTo((1 - rm) / Math.sqrt(rv + 1e-5), 5);
    expect(store.stateDict().get('b.bn.num_batches_tracked')!.data[0]).toBe(1n);
    store.dispose();
  });

  it('trains a narrow ResNet18 on wasm (SGD step lowers the loss)', () => {
    const model = createResNet(narrowSpec());
    const x = tf.randomNormal([2, 3, 193, 193], 0, 1, 'float32', 1) as tf.Tensor4D;
    const labels = tf.oneHot(tf.tensor1d([3, 7], 'int32'), 10);
    const loss = () => tf.losses.softmaxCrossEntropy(labels, model.forward(x, true)) as tf.Scalar;
    const opt = tf.train.sgd(0.05);
    const before = tf.tidy(() => loss().dataSync()[0]!);
    for (let i = 0; i < 3; i++) opt.minimize(loss, false, model.trainableVariables());
    const after = tf.tidy(() => loss().dataSync()[0]!);
    expect(after).toBeLessThan(before);
    expect(model.stateDict().get('features.init_block.conv.bn.num_batches_tracked')!.data[0]).toBe(
      5n,
    );
    model.dispose();
  });
});
