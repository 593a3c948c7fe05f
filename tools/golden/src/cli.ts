#!/usr/bin/env node
// pnpm golden check DIR... [--json] [--backend NAME] [--engine tfjs|ort] [--verbose]
import { initBackend } from '@hawq-ts/core';
import { Command } from 'commander';
import { checkDirs } from './check.js';
import { formatReport, jsonReport } from './report.js';

interface CliOptions {
  json?: boolean;
  backend?: string;
  verbose?: boolean;
  engine: string;
}

const program = new Command('hawq-golden').description(
  'Check hawq-ts against HAWQ reference case directories',
);

program
  .command('check')
  .argument('<dirs...>', 'case directories (or a directory of cases)')
  .option('--json', 'print one JSON document on stdout')
  .option(
    '--backend <name>',
    'tfjs backend for float cases (default: HAWQ_BACKEND or best available)',
  )
  .option(
    '--engine <engine>',
    'tfjs (the quantizer, both ways) | ort (exported integer ONNX, exact engine)',
    'tfjs',
  )
  .option('-v, --verbose', 'also list the tensors that match exactly')
  .action(async (dirs: string[], opts: CliOptions) => {
    const log = (s: string) => process.stderr.write(`${s}\n`);
    if (opts.engine !== 'tfjs' && opts.engine !== 'ort') {
      process.stderr.write(`hawq-golden: --engine ${opts.engine}: use tfjs or ort\n`);
      process.exitCode = 2;
      return;
    }
    await initBackend({ ...(opts.backend ? { backend: opts.backend } : {}), log });
    const report = await checkDirs(dirs, log, { engine: opts.engine });
    process.stdout.write(
      `${opts.json ? jsonReport(report) : formatReport(report, { verbose: opts.verbose ?? false })}\n`,
    );
    // 0: everything agrees; 1: a difference or an error; 2: nothing differs but a case was not checked
    const { fail, error } = report.counts;
    process.exitCode = fail + error > 0 ? 1 : report.ok ? 0 : 2;
  });

program.parseAsync().catch((err: unknown) => {
  process.stderr.write(`hawq-golden: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
