#!/usr/bin/env node
// `pnpm tables`: HAWQ-V3's results tables rebuilt from computed size/BOPS and measured results.
import { Command } from 'commander';
import { registerBuild } from './commands/build.js';
import { registerMerge } from './commands/merge.js';
import { reportError } from './errors.js';

const program = new Command('tables')
  .description(
    "Rebuild HAWQ-V3's results tables: computed size/BOPS, measured top-1 and speed-up, published values beside them",
  )
  .enablePositionalOptions()
  .showHelpAfterError()
  .configureOutput({ outputError: (text, write) => write(text) })
  .exitOverride();
registerBuild(program);
registerMerge(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  const code = (err as { code?: string }).code;
  if (typeof code === 'string' && code.startsWith('commander.')) {
    // Commander already printed its message (or help/version); keep its exit code.
    process.exitCode = (err as { exitCode?: number }).exitCode ?? 2;
  } else {
    process.exitCode = reportError(err);
  }
}
