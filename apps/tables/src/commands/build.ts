import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  asFashionMnist,
  BUNDLED_RESULTS_DIR,
  buildReport,
  type FetchFn,
  loadResults,
  mergeResults,
  parseShard,
  pendingEvaluations,
  type Report,
  type ResultsFile,
  readResultsFile,
  runEvaluations,
  toCsv,
  toHtml,
  toJson,
  toMarkdown,
  writeFileAtomic,
} from '@hawq-ts/report';
import { fetchModel } from '@hawq-ts/zoo';
import { type Command, Option } from 'commander';
import { UsageError } from '../errors.js';
import { type Evaluator, loadEvaluator } from '../evaluator.js';
import { commandLine, displayPath, emit } from '../output.js';

export const FORMATS = ['md', 'markdown', 'csv', 'json', 'html'] as const;
type Format = (typeof FORMATS)[number];

export interface BuildFlags {
  format: Format;
  output?: string;
  results: string[];
  bundled: boolean;
  fashionMnist?: string;
  evaluate?: boolean;
  data?: string;
  shard?: string;
  evalOut?: string;
  batchSize?: string;
  workers?: string;
}

/** Dependencies the tests replace (the evaluator and the zoo download). */
export interface BuildDeps {
  evaluator?: () => Promise<Evaluator>;
  fetch?: FetchFn;
}

const log = (line: string) => process.stderr.write(`tables: ${line}\n`);

export function render(report: Report, format: Format): string {
  switch (format) {
    case 'csv':
      return toCsv(report);
    case 'json':
      return toJson(report);
    case 'html':
      return toHtml(report, {
        generated: `by \`${commandLine()}\` on ${new Date().toISOString()}`,
      });
    default:
      return toMarkdown(report);
  }
}

async function requireDir(dir: string, flag: string): Promise<void> {
  const info = await stat(dir).catch(() => null);
  if (!info?.isDirectory()) throw new UsageError(`${flag} ${dir}: not a folder`);
}

async function evaluateMissing(
  flags: BuildFlags,
  have: ReturnType<typeof mergeResults>,
  deps: BuildDeps,
): Promise<ResultsFile | null> {
  if (!flags.data) throw new UsageError('--evaluate needs --data /path/to/imagenet');
  await requireDir(flags.data, '--data');
  await requireDir(join(flags.data, 'val'), '--data: ImageNet validation split');
  const shard = flags.shard ? parseShard(flags.shard) : undefined;
  const batchSize = Number(flags.batchSize ?? '64');
  const workers = Number(flags.workers ?? '2');
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new UsageError(`--batch-size ${flags.batchSize}: expected a positive integer`);
  }
  if (!Number.isInteger(workers) || workers < 0) {
    throw new UsageError(`--workers ${flags.workers}: expected a non-negative integer`);
  }
  const evaluator = await (deps.evaluator ?? (() => loadEvaluator({ batchSize, workers })))();
  const models = pendingEvaluations(have, shard);
  const suffix = shard ? `-shard-${shard.index}-of-${shard.count}` : '';
  const out = resolve(flags.evalOut ?? `tables-evaluations${suffix}.json`);
  if (models.length === 0) {
    log(
      `nothing to evaluate${shard ? ` in shard ${shard.index}/${shard.count}` : ''}: every row has a measured top-1`,
    );
    return null;
  }
  log(
    `evaluating ${models.length} model(s): ${models.map((m) => m.name).join(', ')}; results → ${displayPath(out)}`,
  );
  const command = commandLine();
  const results = await runEvaluations({
    models,
    dataDir: flags.data,
    evaluate: evaluator.evaluate,
    skip: evaluator.skip,
    fetch: deps.fetch ?? ((name) => fetchModel(name)),
    log,
    // Saved after every model, atomically: an interrupted run keeps what it measured.
    onResult: (results) =>
      writeFileAtomic(
        out,
        `${JSON.stringify({ command, date: new Date().toISOString(), results }, null, 2)}\n`,
      ),
  });
  return { source: out, command, results };
}

export async function runBuild(flags: BuildFlags, deps: BuildDeps = {}): Promise<void> {
  const evalOnly = flags.shard || flags.data || flags.evalOut || flags.batchSize || flags.workers;
  if (evalOnly && !flags.evaluate) {
    throw new UsageError(
      '--data, --shard, --eval-out, --batch-size and --workers only apply with --evaluate',
    );
  }
  for (const dir of flags.results) await requireDir(dir, '--results');
  const dirs = [...(flags.bundled ? [BUNDLED_RESULTS_DIR] : []), ...flags.results];
  const loaded = await loadResults(dirs);
  for (const file of loaded.skipped)
    log(`ignored ${displayPath(file)}: neither evaluation nor deploy results`);
  const files = [...loaded.evaluations];
  if (flags.fashionMnist) {
    // Results given here are Fashion-MNIST results whatever their dataset root says.
    files.push(asFashionMnist(await readResultsFile(flags.fashionMnist)));
  }
  if (flags.evaluate) {
    const fresh = await evaluateMissing(flags, mergeResults(files), deps);
    if (fresh) files.push(fresh);
  }
  const report = buildReport({
    results: mergeResults(files),
    deploy: loaded.deploy,
    deployFashion: loaded.deployFashion,
    fashionMnistSource: flags.fashionMnist ?? null,
    displayPath,
  });
  for (const remark of report.remarks) log(remark);
  await emit(render(report, flags.format), flags.output);
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerBuild(program: Command): void {
  program
    .addOption(new Option('-f, --format <format>', 'output format').choices(FORMATS).default('md'))
    .option('-o, --output <file>', 'write the output to FILE (atomically) instead of stdout')
    .option(
      '--results <dir>',
      'also read evaluation/deploy results JSON files in DIR (repeatable)',
      collect,
      [],
    )
    .option('--no-bundled', 'do not read the results files bundled with @hawq-ts/report')
    .option('--fashion-mnist <file>', "the trainer's Fashion-MNIST evaluation results JSON")
    .option('--evaluate', 'run the missing ImageNet evaluations (fetches zoo models)')
    .option('--data <dir>', 'ImageNet root (with val/) for --evaluate')
    .option('--shard <i/n>', 'with --evaluate: only shard i of n of the 27 models')
    .option(
      '--eval-out <file>',
      'with --evaluate: where to save the new results (default tables-evaluations[-shard-i-of-n].json)',
    )
    .option('--batch-size <n>', 'with --evaluate: images per batch (default 64)')
    .option('--workers <n>', 'with --evaluate: JPEG decoding threads (default 2)')
    .action(async (opts: BuildFlags) => {
      await runBuild(opts);
    });
}

export type { Command };
