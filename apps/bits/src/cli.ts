#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { commands } from './commands/index.js';
import { exitCodeOf, isExpected } from './errors.js';

const program = new Command('bits')
  .description(
    'HAWQ-V3 mixed-precision bit allocation: the ILP over per-layer Hessian sensitivities',
  )
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(text) });
for (const register of commands) register(program);
for (const command of program.commands) command.exitOverride();

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // commander already printed its one-line message (or the help/version text).
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else if (isExpected(error)) {
    process.stderr.write(`bits: ${error.message}\n`);
    process.exitCode = exitCodeOf(error);
  } else {
    throw error;
  }
}
