// tfjs (fake-quant) and ORT (exact integer) must agree on a real HAWQ checkpoint: golden case a
// (narrow ResNet18, 193x193), whose HAWQ logits are known.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadTorch, stateDictOf } from '@hawq-ts/checkpoint';
import { initBackend } from '@hawq-ts/core';
import { qResNetFromHawqStateDict } from '@hawq-ts/models';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createOrtEngine,
  createTfjsEngine,
  evaluate,
  parseEngineName,
  resultsFile,
  sha256OfFile,
  writeJsonAtomic,
} from '../src/index.js';

const golden =
  process.env['HAWQ_GOLDEN_DIR'] ?? resolve(import.meta.dirname, '../../../../shared/golden');
const caseA = join(golden, 'a_resnet18_uniform8');
const i64 = (p: string) => {
  const b = readFileSync(p);
  return Array.from(
    new BigInt64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)),
    Number,
  );
};
const f32 = (p: string) => {
  const b = readFileSync(p);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};

describe.skipIf(!existsSync(join(caseA, 'manifest.json')))('engines on golden case a', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu', log: () => {} });
  });

  it('ort is bit-exact with HAWQ and tfjs agrees with it', async () => {
    const manifest = JSON.parse(readFileSync(join(caseA, 'manifest.json'), 'utf8'));
    const ckpt = join(caseA, 'checkpoint.pth.tar');
    const sd = stateDictOf(await loadTorch(ckpt));
    const x = f32(join(golden, 'inputs/input.f32'));
    const shape = [2, 3, 193, 193] as const;
    const ref = f32(join(caseA, 'logits.f32'));

    const ort = await createOrtEngine(sd, 'ort', { source: ckpt });
    const lo = await ort.run(x, shape);
    await ort.dispose();
    expect([...lo]).toEqual([...ref]);

    const model = qResNetFromHawqStateDict(sd, {
      bitConfig: new Map(Object.entries(manifest.bit_config as Record<string, number>)),
      flags: { actRangeMomentum: 0.99, fixBN: true },
    });
    const xMinBefore = model.quant_input.xMin;
    const tfe = createTfjsEngine(model);
    const lt = await tfe.run(x, shape);
    await tfe.dispose();
    // frozen: the evaluation does not move the ranges
    expect(model.quant_input.xMin).toBe(xMinBefore);
    const maxRef = Math.max(...ref.map(Math.abs));
    for (let i = 0; i < ref.length; i++) {
      expect(Math.abs(lt[i]! - ref[i]!)).toBeLessThanOrEqual(1e-5 * maxRef);
    }

    // the evaluation loop and the results file
    const labels = i64(join(golden, 'inputs/eval_labels.i64'));
    const engine = await createOrtEngine(sd, 'ort');
    const fast = await createOrtEngine(sd, 'ort-fast');
    const r = await evaluate(engine, [{ images: x, labels, shape }], {
      numClasses: 10,
      progress: false,
      compare: fast,
    });
    await engine.dispose();
    await fast.dispose();
    // ort-fast keeps the argmax on the golden images, with logits close to the exact ones.
    expect(r.comparison).toMatchObject({
      engine: 'ort-fast',
      reference: 'ort',
      count: 2,
      argmaxDisagreements: 0,
    });
    expect(r.comparison!.maxRelLogitDifference).toBeGreaterThan(0);
    expect(r.comparison!.maxRelLogitDifference).toBeLessThan(0.1);
    const argmax = i64(join(caseA, 'argmax.i64'));
    const expected = (labels.filter((l, i) => l === argmax[i]).length * 100) / 2;
    expect(r.count).toBe(2);
    expect(r.top1).toBe(expected);
    const out = join(mkdtempSync(join(tmpdir(), 'evaluator-')), 'results.json');
    await writeJsonAtomic(
      out,
      resultsFile(r, {
        model: 'resnet18-small',
        scheme: 'uniform8',
        checkpoint: ckpt,
        checkpointSha256: await sha256OfFile(ckpt),
        dataset: 'golden inputs',
        engine: 'ort',
        inputSize: 193,
        batchSize: 2,
      }),
    );
    const back = JSON.parse(readFileSync(out, 'utf8'));
    expect(back.top1).toBe(expected);
    expect(back.checkpointSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('names the engines it knows', () => {
    expect(parseEngineName('ort-fast')).toBe('ort-fast');
    expect(parseEngineName('ort-int8')).toBe('ort-int8');
    expect(() => parseEngineName('gpu')).toThrow(
      /unknown engine 'gpu': use one of ort, ort-fast, ort-int8, tfjs/,
    );
  });
});
