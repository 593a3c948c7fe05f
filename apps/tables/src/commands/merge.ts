import { mergeResults, readResultsFile } from '@hawq-ts/report';
import type { Command } from 'commander';
import { commandLine, emit } from '../output.js';

/** `tables merge A.json B.json … [-o merged.json]`: one results file from shard files. */
export async function runMerge(files: string[], output: string | undefined): Promise<void> {
  const parsed = [];
  for (const file of files) parsed.push(await readResultsFile(file));
  const merged = mergeResults(parsed);
  const doc = {
    command: commandLine(),
    date: new Date().toISOString(),
    sources: parsed.map((p) => ({ file: p.source, command: p.command, results: p.results.length })),
    results: merged.map((m) => m.result),
  };
  await emit(`${JSON.stringify(doc, null, 2)}\n`, output);
}

export function registerMerge(program: Command): void {
  program
    .command('merge')
    .description(
      'merge evaluation results files (e.g. from --shard runs); conflicting results are an error',
    )
    .argument('<files...>', 'results JSON files')
    .option('-o, --output <file>', 'write the merged JSON to FILE (atomically) instead of stdout')
    .action(async (files: string[], opts: { output?: string }) => {
      await runMerge(files, opts.output);
    });
}
