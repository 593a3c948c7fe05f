// Engine comparison with two fake engines whose logits are known, so every reported figure can be
// computed by hand.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type EngineName,
  type EvalBatch,
  evaluate,
  type InferenceEngine,
  resultsFile,
  writeJsonAtomic,
} from '../src/index.js';

const CLASSES = 3;

/** An engine returning fixed logits per image, looked up by the image's first pixel (its id). */
function fakeEngine(name: EngineName, logitsById: number[][]): InferenceEngine & { runs: number } {
  const e = {
    name,
    runs: 0,
    async run(images: Float32Array, shape: readonly [number, number, number, number]) {
      e.runs++;
      const per = shape[1] * shape[2] * shape[3];
      const out = new Float32Array(shape[0] * CLASSES);
      for (let i = 0; i < shape[0]; i++) out.set(logitsById[images[i * per]!]!, i * CLASSES);
      return out;
    },
    async dispose() {},
  };
  return e;
}

/** Images 0..n-1 (1×1×1 each, the pixel is the id) in batches of `size`. */
function batches(labels: number[], size: number): EvalBatch[] {
  const out: EvalBatch[] = [];
  for (let s = 0; s < labels.length; s += size) {
    const ids = labels.slice(s, s + size).map((_, k) => s + k);
    out.push({
      images: Float32Array.from(ids),
      labels: labels.slice(s, s + size),
      shape: [ids.length, 1, 1, 1],
    });
  }
  return out;
}

//            image:  0          1          2          3          4
const labels = [0, 1, 2, 0, 1];
const exact = [
  [4, 1, 0], // argmax 0, right
  [0, 3, 1], // argmax 1, right
  [2, 0, 1], // argmax 0, wrong
  [-8, 1, 2], // argmax 2, wrong (max |logit| = 8)
  [0, 5, 0], // argmax 1, right
];
const fast = [
  [4, 1, 0], // same
  [0, 1, 3], // argmax 2: differs, now wrong
  [0, 0, 2], // argmax 2: differs, now right
  [-7.5, 1, 2], // same argmax, |Δ| = 0.5
  [0, 5, 6], // argmax 2: differs, now wrong; |Δ| = 6 (the largest)
];

describe('evaluate(…, { compare })', () => {
  it('runs both engines on every batch and reports top-1, disagreements and logit difference', async () => {
    const ref = fakeEngine('ort', exact);
    const other = fakeEngine('ort-fast', fast);
    const r = await evaluate(ref, batches(labels, 2), {
      numClasses: CLASSES,
      progress: false,
      compare: other,
    });
    expect(ref.runs).toBe(3);
    expect(other.runs).toBe(3);
    // The evaluated engine's own figures are unchanged by the comparison.
    expect(r.count).toBe(5);
    expect(r.top1).toBeCloseTo(60, 10);
    const c = r.comparison!;
    expect(c).toMatchObject({
      engine: 'ort-fast',
      reference: 'ort',
      count: 5,
      argmaxDisagreements: 3,
      maxAbsLogitDifference: 6,
      maxAbsLogit: 8,
      maxRelLogitDifference: 6 / 8,
    });
    // fast gets images 0 and 2 right: 40 %, 20 points below exact's 60 %.
    expect(c.top1).toBeCloseTo(40, 10);
    expect(c.top1Difference).toBeCloseTo(-20, 10);
    // top-min(5, 3) = top-3 holds every label.
    expect(c.top5).toBeCloseTo(100, 10);
    expect(c.seconds).toBeGreaterThanOrEqual(0);
    expect(c.referenceSeconds).toBeGreaterThanOrEqual(0);
  });

  it('an engine compared with itself agrees exactly', async () => {
    const r = await evaluate(fakeEngine('ort', exact), batches(labels, 5), {
      numClasses: CLASSES,
      progress: false,
      compare: fakeEngine('tfjs', exact),
    });
    expect(r.comparison).toMatchObject({
      argmaxDisagreements: 0,
      maxAbsLogitDifference: 0,
      top1Difference: 0,
      top1: r.top1,
    });
  });

  it('has no comparison without a second engine', async () => {
    const r = await evaluate(fakeEngine('ort', exact), batches(labels, 5), {
      numClasses: CLASSES,
      progress: false,
    });
    expect(r.comparison).toBeUndefined();
  });

  it('rejects a second engine with a different output size, and non-finite logits', async () => {
    // 4 outputs per image against 3: the engines do not run the same model.
    const wrongSize: InferenceEngine = {
      name: 'ort-int8',
      run: async (_images, shape) => new Float32Array(shape[0] * 4),
      dispose: async () => {},
    };
    await expect(
      evaluate(fakeEngine('ort', exact), batches(labels, 2), {
        numClasses: CLASSES,
        progress: false,
        compare: wrongSize,
      }),
    ).rejects.toThrow(/batch 0: engine ort-int8 returned 8 logits, ort 6/);
    const nan = fakeEngine('ort-fast', [...fast.slice(0, 4), [0, Number.NaN, 0]]);
    await expect(
      evaluate(fakeEngine('ort', exact), batches(labels, 2), {
        numClasses: CLASSES,
        progress: false,
        compare: nan,
      }),
    ).rejects.toThrow(/batch 2: logit 1 is not finite/);
  });
});

describe('results file', () => {
  it('carries the comparison and the optional description fields', async () => {
    const r = await evaluate(fakeEngine('ort', exact), batches(labels, 2), {
      numClasses: CLASSES,
      progress: false,
      compare: fakeEngine('ort-fast', fast),
    });
    const file = resultsFile(r, {
      model: 'resnet18',
      scheme: 'file:ilp.json',
      checkpoint: null,
      checkpointSha256: null,
      dataset: '/tmp/fashion-mnist/val',
      engine: 'ort',
      inputSize: 28,
      batchSize: 2,
      arch: 'resnet18',
      numClasses: 10,
      channels: { init: 16, stages: [16, 32, 64, 128] },
      bitConfig: { quant_input: 8, 'stage1.unit1.quant_convbn1': 4 },
      label: 'Hessian-ILP bops 0.5',
      command: 'pnpm quant-train -e --compare-engine ort-fast',
    });
    const out = join(mkdtempSync(join(tmpdir(), 'evaluator-compare-')), 'eval_results.json');
    await writeJsonAtomic(out, file);
    const back = JSON.parse(readFileSync(out, 'utf8'));
    expect(back).toMatchObject({
      arch: 'resnet18',
      numClasses: 10,
      channels: { init: 16, stages: [16, 32, 64, 128] },
      bitConfig: { 'stage1.unit1.quant_convbn1': 4 },
      label: 'Hessian-ILP bops 0.5',
      command: 'pnpm quant-train -e --compare-engine ort-fast',
      comparison: { engine: 'ort-fast', reference: 'ort', argmaxDisagreements: 3, count: 5 },
    });
    // The comparison comes last, after the fields older readers know.
    expect(Object.keys(back).at(-1)).toBe('comparison');
  });

  it('keeps the old shape when nothing optional is given', async () => {
    const r = await evaluate(fakeEngine('ort', exact), batches(labels, 5), {
      numClasses: CLASSES,
      progress: false,
    });
    const file = resultsFile(r, {
      model: 'resnet18',
      scheme: 'uniform8',
      checkpoint: null,
      checkpointSha256: null,
      dataset: 'd',
      engine: 'ort',
      inputSize: 28,
      batchSize: 5,
    });
    expect(Object.keys(file).sort()).toEqual(
      [
        'model',
        'scheme',
        'checkpoint',
        'checkpointSha256',
        'dataset',
        'count',
        'top1',
        'top5',
        'engine',
        'time',
        'imagesPerSecond',
        'perClass',
        'date',
        'inputSize',
        'batchSize',
      ].sort(),
    );
  });

  it('rejects description fields a reader could not use', async () => {
    const r = await evaluate(fakeEngine('ort', exact), batches(labels, 5), {
      numClasses: CLASSES,
      progress: false,
    });
    const meta = {
      model: 'resnet18',
      scheme: 'x',
      checkpoint: null,
      checkpointSha256: null,
      dataset: 'd',
      engine: 'ort' as const,
      inputSize: 28,
      batchSize: 5,
    };
    expect(() => resultsFile(r, { ...meta, channels: { init: 16, stages: [16, 0] } })).toThrow(
      /channels .* must be positive integers/,
    );
    expect(() => resultsFile(r, { ...meta, bitConfig: { quant_input: 3.5 } })).toThrow(
      /bitConfig\['quant_input'\] = 3.5 is not a bit width/,
    );
    expect(() => resultsFile(r, { ...meta, numClasses: 0 })).toThrow(/numClasses 0/);
  });
});
