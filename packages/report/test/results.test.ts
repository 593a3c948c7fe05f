import { ZOO_MODELS } from '@hawq-ts/zoo';
import { describe, expect, it } from 'vitest';
import {
  buildReport,
  EvaluationError,
  isImagenetResult,
  MergeConflictError,
  mergeResults,
  parseResultsJson,
  parseShard,
  pendingEvaluations,
  ResultsFileError,
  runEvaluations,
  ShardSpecError,
  shardItems,
  zooModelOf,
} from '../src/index.js';
import { result } from './helpers.js';

describe('results JSON reader', () => {
  it('accepts one result, an array, or an envelope with the command', () => {
    const one = result('resnet18_uniform8', 71.5);
    expect(parseResultsJson(JSON.stringify(one), 'a.json').results).toHaveLength(1);
    expect(parseResultsJson(JSON.stringify([one, one]), 'b.json').results).toHaveLength(2);
    const env = parseResultsJson(JSON.stringify({ command: 'pnpm x', results: [one] }), 'c.json');
    expect(env.command).toBe('pnpm x');
  });

  it("accepts the evaluator's own file (arch + scheme, dataset path, extra fields)", () => {
    const file = {
      model: 'resnet50',
      scheme: 'bops_0.5',
      checkpoint: '/c/checkpoint.pth.tar',
      checkpointSha256: 'a'.repeat(64),
      dataset: '/data/val',
      count: 50000,
      top1: 75.6,
      top5: 92.6,
      engine: 'ort-exact',
      time: 1234.5,
      imagesPerSecond: 40,
      perClass: [],
      date: '2026-11-26T00:00:00Z',
      inputSize: 224,
      batchSize: 64,
    };
    const parsed = parseResultsJson(JSON.stringify(file), 'e.json');
    expect(zooModelOf(parsed.results[0]!)?.name).toBe('resnet50_bops0.5');
    const rows = buildReport({ results: mergeResults([parsed]) }).tables.flatMap((t) => t.rows);
    const row = rows.find((r) => r.name === 'resnet50_bops0.5')!;
    expect(row.top1).toBe(75.6);
    expect(row.top1Source).toBe('measured');
  });

  it.each([
    ['not json', '{', /x\.json: not valid JSON/],
    [
      'missing top1',
      JSON.stringify({ model: 'a', dataset: 'imagenet', count: 1 }),
      /x\.json: top1:/,
    ],
    ['percent out of range', JSON.stringify(result('resnet18_uniform8', 171)), /x\.json: top1:/],
    [
      'bad sha',
      JSON.stringify(result('resnet18_uniform8', 1, { checkpointSha256: 'xyz' })),
      /checkpointSha256/,
    ],
    [
      'bad envelope',
      JSON.stringify({ command: 'c', results: [{ model: 'm' }] }),
      /x\.json: results\.0\./,
    ],
  ])('rejects %s with a one-line error naming the file', (_, text, re) => {
    expect(() => parseResultsJson(text, 'x.json')).toThrow(ResultsFileError);
    expect(() => parseResultsJson(text, 'x.json')).toThrow(re);
  });
});

describe('dataset of a result', () => {
  it('a dataset root path that names no dataset counts as ImageNet for zoo models with 1000 classes', () => {
    expect(
      isImagenetResult(result('resnet18', 70, { scheme: 'uniform8', dataset: '/data/val' })),
    ).toBe(true);
    const tenClasses = {
      ...result('resnet18', 90, { scheme: 'uniform8', dataset: '/data/val' }),
      perClass: Array(10).fill({}),
    };
    expect(isImagenetResult(tenClasses)).toBe(false);
    expect(
      isImagenetResult(
        result('resnet18', 90, { scheme: 'uniform8', dataset: '/d/val', numClasses: 10 }),
      ),
    ).toBe(false);
    expect(
      isImagenetResult(
        result('resnet18', 90, { scheme: 'uniform8', dataset: '/d/fashion_mnist/val' }),
      ),
    ).toBe(false);
    expect(isImagenetResult(result('mynet', 90, { dataset: '/data/val' }))).toBe(false);
  });
});

describe('merge', () => {
  const a = { source: 'a.json', command: 'cmd a', results: [result('resnet18_uniform8', 71.5)] };
  it('keeps identical evaluations once and combines different ones', () => {
    const b = {
      source: 'b.json',
      command: null,
      results: [
        result('resnet18_bops_0.5', 70.1),
        result('resnet18', 71.5, { model: 'resnet18', scheme: 'uniform8' }),
      ],
    };
    const merged = mergeResults([a, b]);
    expect(merged.map((m) => zooModelOf(m.result)?.name)).toEqual([
      'resnet18_uniform8',
      'resnet18_bops0.5',
    ]);
    expect(merged[0]!.source).toBe('a.json');
  });

  it('reports a conflict naming both files', () => {
    const b = { source: 'b.json', command: null, results: [result('resnet18_uniform8', 70.0)] };
    expect(() => mergeResults([a, b])).toThrow(MergeConflictError);
    expect(() => mergeResults([a, b])).toThrow(/a\.json.*b\.json/);
  });

  it('keeps ImageNet and Fashion-MNIST results of the same architecture apart', () => {
    const fm = {
      source: 'f.json',
      command: null,
      results: [result('resnet18', 91, { scheme: 'uniform8', dataset: 'fashion-mnist' })],
    };
    const b = {
      source: 'b.json',
      command: null,
      results: [result('resnet18', 71.5, { scheme: 'uniform8' })],
    };
    expect(mergeResults([a, fm, b])).toHaveLength(2);
  });
});

describe('shards', () => {
  it('parses i/n and rejects anything else', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    for (const bad of ['0/3', '4/3', '1/0', 'a/b', '1', '-1/2']) {
      expect(() => parseShard(bad)).toThrow(ShardSpecError);
    }
  });

  it('splits the 27 models so every model is in exactly one shard', () => {
    for (const n of [1, 2, 3, 5, 27, 30]) {
      const all = Array.from({ length: n }, (_, i) =>
        shardItems(ZOO_MODELS, { index: i + 1, count: n }),
      )
        .flat()
        .map((m) => m.name)
        .sort();
      expect(all).toEqual(ZOO_MODELS.map((m) => m.name).sort());
    }
  });

  it('leaves out models that already have an ImageNet result', () => {
    const have = mergeResults([
      {
        source: 'a',
        command: null,
        results: [
          result('resnet18_baseline', 71.4),
          result('resnet50', 1, { scheme: 'uniform8', dataset: 'fashion-mnist' }),
        ],
      },
    ]);
    const pending = pendingEvaluations(have, { index: 1, count: 3 }).map((m) => m.name);
    expect(pending).not.toContain('resnet18_baseline');
    expect(pending).toContain(ZOO_MODELS[3]!.name);
    expect(pending).toHaveLength(8);
    expect(pendingEvaluations(have)).toHaveLength(26);
  });
});

describe('runEvaluations (injected evaluator)', () => {
  const models = ZOO_MODELS.slice(0, 2);
  it('fetches then evaluates each model and reports results as they come', async () => {
    const calls: string[] = [];
    const saved: number[] = [];
    const results = await runEvaluations({
      models,
      dataDir: '/imagenet',
      fetch: async (name) => {
        calls.push(`fetch ${name}`);
        return { dir: `/cache/${name}` };
      },
      evaluate: async (job) => {
        calls.push(`eval ${job.model.name} ${job.modelDir} ${job.dataDir}`);
        return result(job.model.name, 70);
      },
      onResult: async (r) => {
        saved.push(r.length);
      },
    });
    expect(results).toHaveLength(2);
    expect(saved).toEqual([1, 2]);
    expect(calls).toEqual([
      'fetch resnet18_baseline',
      'eval resnet18_baseline /cache/resnet18_baseline /imagenet',
      'fetch resnet18_uniform8',
      'eval resnet18_uniform8 /cache/resnet18_uniform8 /imagenet',
    ]);
  });

  it('rejects a result for another model, or a malformed one', async () => {
    const base = { models, dataDir: '/d', fetch: async () => ({ dir: '/c' }) };
    await expect(
      runEvaluations({ ...base, evaluate: async () => result('resnet50_uniform8', 1) }),
    ).rejects.toThrow(EvaluationError);
    await expect(
      runEvaluations({
        ...base,
        evaluate: async () => ({ ...result('resnet18_baseline', 1), count: -1 }),
      }),
    ).rejects.toThrow(/malformed result for resnet18_baseline: count/);
  });
});
