// OrtRunner: chunking and worker-thread sessions return exactly what one session.run returns.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RuntimeError } from '../src/errors.js';
import { integerModelFromHawq } from '../src/from-hawq.js';
import { exportIntegerOnnx } from '../src/onnx/export-int.js';
import { runOptionsFor } from '../src/run-policy.js';
import { OrtRunner, runOnnx } from '../src/runner.js';
import { images, TINY_BASIC, tiny } from './helpers/tiny.js';

describe('OrtRunner', () => {
  const model = integerModelFromHawq(tiny(TINY_BASIC).stateDict, { arch: 'resnet18' });
  const bytes = exportIntegerOnnx(model);
  const n = 5;
  const x = images(n, TINY_BASIC.inputSize, 31);
  const shape = [n, 3, TINY_BASIC.inputSize, TINY_BASIC.inputSize];

  it('two worker-thread sessions over chunks of 1 and 2 keep the images in order', async () => {
    const whole = await runOnnx(bytes, x, shape, { batchSize: n });
    for (const batchSize of [1, 2]) {
      const split = await runOnnx(bytes, x, shape, { batchSize, workers: 2, intraOpThreads: 2 });
      expect(Array.from(split.outputs.get('logits_int') as Int32Array)).toEqual(
        Array.from(whole.outputs.get('logits_int') as Int32Array),
      );
      expect(Array.from(split.logits)).toEqual(Array.from(whole.logits));
    }
  });

  it('runs a one-chunk batch in process and later batches on the same workers', async () => {
    const r = await OrtRunner.create(bytes, { ...runOptionsFor('exact', 2) });
    try {
      const one = await r.run(x.subarray(0, x.length / n), [1, ...shape.slice(1)]);
      const all = await r.run(x, shape);
      const again = await r.run(x, shape);
      const per = one.logits.length;
      expect(Array.from(all.logits.subarray(0, per))).toEqual(Array.from(one.logits));
      expect(Array.from(again.logits)).toEqual(Array.from(all.logits));
    } finally {
      await r.dispose();
    }
    await expect(r.run(x, shape)).rejects.toThrow(/disposed/);
  });

  it('answers concurrent multi-chunk runs on the same workers, each with its own images', async () => {
    const r = await OrtRunner.create(bytes, { batchSize: 1, workers: 2, intraOpThreads: 2 });
    try {
      const whole = await runOnnx(bytes, x, shape, { batchSize: n });
      const y = x.map((v) => -v);
      const other = await runOnnx(bytes, y, shape, { batchSize: n });
      const [a, b] = await Promise.all([r.run(x, shape), r.run(y, shape)]);
      expect(Array.from(a.logits)).toEqual(Array.from(whole.logits));
      expect(Array.from(b.logits)).toEqual(Array.from(other.logits));
    } finally {
      await r.dispose();
    }
  });

  it('reports a run failure inside a worker as a one-line RuntimeError', async () => {
    const r = await OrtRunner.create(bytes, { batchSize: 1, workers: 2, intraOpThreads: 2 });
    try {
      // 2 channels: the graph wants 3; the error comes from onnxruntime inside the worker
      const bad = new Float32Array(2 * 2 * TINY_BASIC.inputSize ** 2);
      await expect(r.run(bad, [2, 2, TINY_BASIC.inputSize, TINY_BASIC.inputSize])).rejects.toThrow(
        /onnxruntime failed on input \[1,2,/,
      );
    } finally {
      await r.dispose();
    }
  });

  it('lets the process exit when a runner with idle workers is never disposed', () => {
    // the package's built module (turbo builds before tests), in a process of its own
    const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
    const script = `
      const d = await import(${JSON.stringify(dist)});
      const syn = d.syntheticHawqResNet({ block: 'basic', layers: [1, 1, 1, 1], channels: [4, 8, 8, 16],
        initChannels: 4, numClasses: 5, bits: 8, inputSize: 32, seed: 1 });
      const bytes = d.exportIntegerOnnx(d.integerModelFromHawq(syn.stateDict, { arch: 'resnet18' }));
      const r = await d.OrtRunner.create(bytes, { batchSize: 1, workers: 2, intraOpThreads: 2 });
      const out = await r.run(new Float32Array(3 * 3 * 32 * 32), [3, 3, 32, 32]);
      console.log(out.logits.length);`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(child.stderr).toBe('');
    expect(child.stdout.trim()).toBe('15');
    expect(child.status).toBe(0);
  });

  it('rejects worker, thread and chunk counts that are not positive integers', async () => {
    for (const opts of [{ workers: 0 }, { intraOpThreads: 1.5 }, { batchSize: -1 }])
      await expect(OrtRunner.create(bytes, opts)).rejects.toThrow(RuntimeError);
  });
});
