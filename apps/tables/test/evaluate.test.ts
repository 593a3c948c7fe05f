import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZOO_MODELS } from '@hawq-ts/zoo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBuild } from '../src/commands/build.js';

// --evaluate plumbing with an injected evaluator and fetch (no ImageNet, no network).
describe('tables --evaluate --shard', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hawq-tables-eval-'));
    await mkdir(join(dir, 'val'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('evaluates only its shard, saves the results, and the table shows them as measured', async () => {
    const evaluated: string[] = [];
    const out = join(dir, 'table.json');
    const evalOut = join(dir, 'shard2.json');
    await runBuild(
      {
        format: 'json',
        output: out,
        results: [],
        bundled: true,
        evaluate: true,
        data: dir,
        shard: '2/3',
        evalOut,
      },
      {
        evaluator: async () => ({
          evaluate: async (job) => {
            evaluated.push(job.model.name);
            return {
              model: job.model.name,
              dataset: 'imagenet',
              count: 50000,
              top1: 50 + evaluated.length,
              top5: 80,
            };
          },
          skip: () => null,
        }),
        fetch: async (name) => ({ dir: join(dir, name) }),
      },
    );
    const want = ZOO_MODELS.filter((_, i) => i % 3 === 1).map((m) => m.name);
    expect(evaluated).toEqual(want);
    const saved = JSON.parse(await readFile(evalOut, 'utf8'));
    expect(saved.results).toHaveLength(9);
    expect(saved.command).toMatch(/^pnpm tables/);
    const rows = JSON.parse(await readFile(out, 'utf8')) as { name: string; top1Source: string }[];
    // the bundled Fashion-MNIST rows are measured too; this test is about the ImageNet shard
    const imagenet = rows.filter((r) => !r.name.startsWith('fashion-mnist/'));
    expect(imagenet.filter((r) => r.top1Source === 'measured').map((r) => r.name)).toEqual(want);
  });
});
