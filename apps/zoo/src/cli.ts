#!/usr/bin/env node
// `pnpm zoo …`: list, fetch, path, verify, import and remove HAWQ-V3 zoo models.
import { Command } from 'commander';
import { commands } from './commands/index.js';
import { reportError } from './errors.js';

const program = new Command('zoo')
  .description(
    'The HAWQ-V3 model zoo: the 27 published models, fetched from Google Drive into a local cache',
  )
  .showHelpAfterError()
  .configureOutput({ outputError: (text, write) => write(text) });
for (const register of commands) register(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.exitCode = reportError(err);
}
